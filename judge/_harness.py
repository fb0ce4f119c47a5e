"""The harness that runs inside the sandbox, under the system interpreter (/usr/bin/python3, 3.11).

It must stay runnable by Python 3.11 with the standard library and Debian's ``seccomp`` module only, and it
imports nothing from the project: the trusted side reads this file's text and starts it as
``python3 -I -S -c <source>``, because the project tree is not mounted in the sandbox.

Protocol, fd 0 in and fd 1 out, every message a 4-byte big-endian length and that many bytes:
  in:  the config ``{code, limits, sandboxed}`` in marshal format, then one message per test case whose body is
       the raw input. End of file ends the run.
  out: replies as Python literals (``repr``; the trusted side reads them with ast.literal_eval, never eval):
       ``{"ready": True}``, ``{"compile_error": {...}}`` or ``{"fatal": "..."}``; then, per case, a result
       naming ``out_len``, ``err_len`` and ``report_len``, followed by that many raw bytes of stdout, of the
       tail of stderr, and of the child's report (a literal too).
Inputs and outputs go between the protocol pipes and memory files by splice(2): no test case's data is ever
copied into this process's memory, where the fork for a later case could find it.

Start-up time is paid by every submission, so this imports only built-in and C modules (no json, no
contextlib, no signal, no typing: each would pull in enum, re or collections, ~5 ms apiece).
"""

from __future__ import annotations

import _signal
import builtins
import errno
import marshal
import os
import resource
import select
import sys
import time

# Not typing.TYPE_CHECKING: importing typing would cost ~6 ms per submission; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import CodeType
    from typing import Any, NoReturn

    Limits = dict[str, int]

STUDENT_FILE = "main.py"
ERR_TAIL = 8192
REPORT_MAX = 4096
MAX_CONFIG = 1 << 20
CHILD_NOFILE = 16
SIGKILL = 9
# Exit status of a child whose set-up (not the student's code) failed; the set-up pipe tells the two apart.
SETUP_FAILED = 125
# Standard modules imported before the first fork when the program names them, so that no case pays for
# importing them again. Only modules without side effects on import.
WARM_MODULES = frozenset({
    "array", "bisect", "calendar", "cmath", "collections", "copy", "dataclasses", "datetime", "decimal", "enum",
    "fractions", "functools", "heapq", "itertools", "json", "math", "operator", "random", "re", "statistics",
    "string", "textwrap", "typing",
})  # fmt: skip
DENIED_SYSCALLS = (
    # making processes or threads, and replacing the program
    "fork", "vfork", "clone", "clone3", "execve", "execveat",
    # networking of any kind, unix sockets included
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    # reaching into other processes
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "kcmp",
    # namespaces, mounts, kernel interfaces a program never needs
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_by_handle_at", "name_to_handle_at",
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key", "personality", "modify_ldt",
    "iopl", "ioperm", "io_uring_setup", "io_uring_enter", "io_uring_register",
    # memory outside RLIMIT_AS: SysV IPC and POSIX message queues
    "shmget", "shmat", "shmctl", "msgget", "msgsnd", "semget", "mq_open",
    # other processes' memory placement and robust futex lists
    "move_pages", "migrate_pages", "get_robust_list",
)  # fmt: skip
# Calls that take a pid and would let a case change the harness (its limits, priority or CPUs): the kernel
# allows them between processes of one uid. A case may still change itself, named as pid 0, which is how
# resource.setrlimit and os.sched_setaffinity(0, ...) call them. (syscall, position of the pid argument)
PID_ARGUMENTS = (
    ("prlimit64", 0), ("sched_setaffinity", 0), ("sched_setscheduler", 0), ("sched_setparam", 0),
    ("sched_setattr", 0), ("setpriority", 1), ("ioprio_set", 1),
)  # fmt: skip
# fcntl/ioctl commands that would make the kernel signal another process (SIGIO to a chosen owner).
F_SETOWN, F_SETSIG, F_SETOWN_EX = 8, 10, 15
FIOSETOWN, SIOCSPGRP = 0x8901, 0x8902
# The kernel reads an int argument from the low 32 bits of its register, but seccomp compares all 64: an equality
# rule must mask, or the same command with any upper bit set gets past it. The pid rules need no mask: a 64-bit
# "not equal" already holds whenever the low 32 bits differ (libseccomp has no masked "not equal" anyway).
INT_BITS = 0xFFFFFFFF


def main() -> None:
    # As the namespace's init this process receives, from inside the sandbox, only the signals it handles, and
    # Python handles SIGINT: without a handler nothing a case sends can reach it (seccomp forbids it anyway).
    _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
    config = marshal.loads(read_message(MAX_CONFIG))  # noqa: S302 - written by the trusted side, not a program
    limits, code_text = config["limits"], config["code"]
    try:
        base_filter = build_filter() if config["sandboxed"] else None
    except Exception as exc:  # the sandbox is unusable: say why instead of running unconfined
        send({"fatal": f"seccomp is unavailable: {type(exc).__name__}: {exc}"})
        return
    # The harness itself gets a memory ceiling too, so compiling hostile source cannot exhaust the machine.
    ceiling = (limits["memory_mb"] + 256) << 20
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    code = compile_student(code_text)
    if code is None:
        return
    for name in WARM_MODULES.intersection(names_in(code)):
        __import__(name)
    send({"ready": True})
    while True:
        header = read_exact(4, eof_ok=True)
        if not header:
            return
        run_case(code, int.from_bytes(header, "big"), limits, base_filter)


def build_filter() -> Any:
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import seccomp
    finally:
        sys.path.remove("/usr/lib/python3/dist-packages")
    deny = seccomp.ERRNO(errno.EPERM)
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for name in DENIED_SYSCALLS:
        rules.add_rule(deny, name)
    for command in (F_SETOWN, F_SETSIG, F_SETOWN_EX):
        rules.add_rule(deny, "fcntl", seccomp.Arg(1, seccomp.MASKED_EQ, INT_BITS, command))
    for command in (FIOSETOWN, SIOCSPGRP):
        rules.add_rule(deny, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, INT_BITS, command))
    for name, position in PID_ARGUMENTS:
        rules.add_rule(deny, name, seccomp.Arg(position, seccomp.NE, 0))
    return rules


def compile_student(code_text: str) -> CodeType | None:
    import warnings

    try:
        # Warnings would go to this process's stderr, an unread pipe: thousands of them could block it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return compile(code_text, STUDENT_FILE, "exec", dont_inherit=True)
    except SyntaxError as exc:
        send({"compile_error": {"type": type(exc).__name__, "line": exc.lineno, "message": exc.msg}})
    except ValueError as exc:  # 3.11 rejects NUL bytes with ValueError, not SyntaxError
        surrogate = isinstance(exc, UnicodeEncodeError)
        position = exc.start if isinstance(exc, UnicodeEncodeError) else code_text.find("\0")
        line = code_text.count("\n", 0, max(position, 0)) + 1
        message = "invalid character (an unpaired surrogate)" if surrogate else str(exc)
        send({"compile_error": {"type": "SyntaxError", "line": line, "message": message}})
    except (MemoryError, RecursionError):
        send({"compile_error": {"type": "SyntaxError", "line": None, "message": "the code is too large to compile"}})
    return None


def names_in(code: CodeType) -> set[str]:
    """Every global name the code and its nested functions use: an `import re` shows up as "re"."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, type(code)):
            names |= names_in(constant)
    return names


def run_case(code: CodeType, input_len: int, limits: Limits, base_filter: Any) -> None:
    files = [os.memfd_create(name) for name in ("stdin", "stdout", "stderr", "report")]
    splice_in(files[0], input_len)
    setup_read, setup_write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(setup_read)
            child(code, files, setup_write, limits, base_filter)
        finally:  # nothing the child does may send it back into this loop
            os._exit(SETUP_FAILED)
    os.close(setup_write)
    pidfd = os.pidfd_open(pid)
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    wall_killed = not poller.poll(limits["wall_ms"])
    if wall_killed:
        os.kill(pid, SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    wall_ms = (time.monotonic() - started) * 1000
    os.close(pidfd)
    setup_ok = os.read(setup_read, 1) == b"1"
    os.close(setup_read)
    out_size = os.fstat(files[1]).st_size
    out_len = min(out_size, limits["output_kb"] * 1024)
    err_size = os.fstat(files[2]).st_size
    err_offset = max(0, err_size - ERR_TAIL)
    report_len = min(os.fstat(files[3]).st_size, REPORT_MAX)
    send({
        "setup_ok": setup_ok,
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1000,
        "wall_ms": wall_ms,
        "wall_killed": wall_killed,
        "memory_kb": usage.ru_maxrss,
        "out_size": out_size,
        "out_len": out_len,
        "err_len": err_size - err_offset,
        "report_len": report_len,
    })  # fmt: skip
    splice_out(files[1], 0, out_len)
    splice_out(files[2], err_offset, err_size - err_offset)
    splice_out(files[3], 0, report_len)
    for fd in files:
        os.close(fd)


def child(code: CodeType, files: list[int], setup_write: int, limits: Limits, base_filter: Any) -> NoReturn:
    """Confine this forked process and run the student's code in it."""
    try:
        # The memory files were created after fds 0-2, so none of them is clobbered before it is copied.
        for target, fd in enumerate(files):
            os.dup2(fd, target)
        os.dup2(setup_write, len(files))
        os.closerange(len(files) + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
        set_limits(limits)
        if base_filter is not None:
            load_filter(base_filter, os.getpid())
        os.write(len(files), b"1")
        os.close(len(files))
    except BaseException as exc:
        os.write(2, f"{type(exc).__name__}: {exc}".encode())
        os._exit(SETUP_FAILED)
    run_student(code)


def set_limits(limits: Limits) -> None:
    # RLIMIT_CPU fires on the tick-sampled CPU clock, which was seen here up to 13% ahead of the precise time
    # wait4 reports; the verdict uses the precise time, so the kill only has to come later than the limit.
    cpu_s = -(-limits["cpu_ms"] * 5 // 4000)
    memory = limits["memory_mb"] << 20
    output = limits["output_kb"] * 1024 + 1  # one byte over the cap tells "exceeded" from "exactly full"
    # Soft == hard everywhere: a program may lower a limit but never raise it back.
    for limit, value in (
        (resource.RLIMIT_CPU, cpu_s),
        (resource.RLIMIT_AS, memory),
        (resource.RLIMIT_FSIZE, output),
        (resource.RLIMIT_NOFILE, CHILD_NOFILE),
        (resource.RLIMIT_NPROC, 0),
        (resource.RLIMIT_CORE, 0),
        (resource.RLIMIT_MEMLOCK, 0),
        (resource.RLIMIT_MSGQUEUE, 0),
    ):
        resource.setrlimit(limit, (value, value))


def load_filter(rules: Any, pid: int) -> None:
    import seccomp

    deny = seccomp.ERRNO(errno.EPERM)
    # Signals only to itself: os.abort(), signal.raise_signal() and os.kill(os.getpid(), ...) keep working.
    for name in ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        rules.add_rule(deny, name, seccomp.Arg(0, seccomp.NE, pid))
    rules.load()


def run_student(code: CodeType) -> NoReturn:
    import atexit

    # Kept before the program runs: it may replace any of these. What it does to them afterwards only changes
    # its own result; `finally` ends this process here whatever it did.
    exit_now, write, run_exitfuncs, attempt = os._exit, os.write, atexit._run_exitfuncs, attempted
    main_module = type(sys)("__main__")
    main_module.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = main_module
    sys.argv[:] = [STUDENT_FILE]
    _signal.signal(_signal.SIGINT, _signal.default_int_handler)  # SIGINT raises KeyboardInterrupt, as usual
    # Fresh streams on the memory files: the interpreter's own ones were opened on the protocol pipes.
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)  # type: ignore[misc]  # noqa: SIM115
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", closefd=False)  # type: ignore[misc]  # noqa: SIM115
    sys.stderr = sys.__stderr__ = open(  # type: ignore[misc]  # noqa: SIM115
        2, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False
    )
    status = 0
    try:
        try:
            exec(code, main_module.__dict__)  # noqa: S102 - running the submission is the point
        except SystemExit as exc:
            status = exit_status(exc.code)
        except BaseException as exc:
            status = 1
            report = describe(exc)
            attempt(lambda: write(3, repr(report).encode()[:REPORT_MAX]))
        attempt(run_exitfuncs)
        for name in ("stdout", "stderr"):  # what CPython does at exit, status 120 included
            stream = getattr(sys, name, None)
            if stream is not None and not attempt(stream.flush):
                status = status or 120
    finally:
        exit_now(status)


def attempted(call: Callable[[], object]) -> bool:
    """Call something the program may have broken; whether it worked is all that matters."""
    try:
        call()
    except BaseException:
        return False
    return True


def exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    attempted(lambda: sys.stderr.write(f"{code}\n"))
    return 1


def describe(exc: BaseException) -> dict[str, Any]:
    """What a beginner needs: the exception's type, the last line of its traceback, the line of main.py it came
    from. Built from the exception alone, not the traceback module: the program may have exhausted descriptors
    or memory, or replaced that module's functions."""
    kind = type(exc)
    name = (
        kind.__qualname__ if kind.__module__ in ("builtins", "__main__") else f"{kind.__module__}.{kind.__qualname__}"
    )
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == STUDENT_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    if isinstance(exc, MemoryError):  # anything more could need the memory that just ran out
        return {"type": name, "line": line, "message": name}
    try:
        text = str(exc)
    except BaseException:
        text = "<exception str() failed>"
    return {"type": name, "line": line, "message": (f"{name}: {text}" if text else name)[:1000]}


def read_exact(size: int, eof_ok: bool = False) -> bytes:
    chunks, missing = [], size
    while missing:
        chunk = os.read(0, missing)
        if not chunk:
            if eof_ok and missing == size:
                return b""
            raise EOFError("protocol pipe closed mid-message")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def read_message(limit: int) -> bytes:
    size = int.from_bytes(read_exact(4), "big")
    if size > limit:
        raise ValueError("message too large")
    return read_exact(size)


def send(reply: dict[str, Any]) -> None:
    body = repr(reply).encode()
    data = len(body).to_bytes(4, "big") + body
    while data:
        data = data[os.write(1, data) :]


def splice_in(fd: int, size: int) -> None:
    offset = 0
    while offset < size:
        moved = os.splice(0, fd, size - offset, offset_dst=offset)
        if not moved:
            raise EOFError("protocol pipe closed mid-input")
        offset += moved


def splice_out(fd: int, offset: int, size: int) -> None:
    end = offset + size
    while offset < end:
        moved = os.splice(fd, 1, end - offset, offset_src=offset)
        if not moved:  # the file shrank meanwhile: cannot happen once the child is gone, but never spin
            raise EOFError("output file shorter than announced")
        offset += moved


if __name__ == "__main__":
    main()
