"""The harness that runs inside the sandbox, under the system interpreter (/usr/bin/python3, 3.11).

It must stay importable by Python 3.11 with the standard library and Debian's ``seccomp`` module only, and it
imports nothing from the project: the trusted side reads this file's text and starts it as
``python3 -I -S -c <source>``, because the project tree is not mounted in the sandbox.

Protocol, fd 0 in and fd 1 out, every message a 4-byte big-endian length and that many bytes:
  in:  a JSON config ``{code, limits, sandboxed}``, then one message per test case whose body is the raw input.
       End of file ends the run.
  out: a JSON reply ``{"ready": true}``, ``{"compile_error": {...}}`` or ``{"fatal": "..."}``; then, per case,
       a JSON result naming ``out_len``, ``err_len`` and ``report_len``, followed by that many raw bytes of
       stdout, of the tail of stderr, and of the child's report.
Inputs and outputs go between the protocol pipes and memory files by splice(2): no test case's data is ever
copied into this process's memory, where the fork for a later case could find it.
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import resource
import select
import signal
import struct
import sys
import time
import types

# Not typing.TYPE_CHECKING: importing typing would add ~6 ms to every submission; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    Limits = dict[str, int]

HEADER = struct.Struct(">I")
STUDENT_FILE = "main.py"
ERR_TAIL = 8192
REPORT_MAX = 4096
MAX_CONFIG = 1 << 20
CHILD_NOFILE = 16
# Exit status of a child whose set-up (not the student's code) failed; the set-up pipe tells the two apart.
SETUP_FAILED = 125
# Imported before any fork so every case finds them warm: what beginners' programs import most.
PRELOAD = ("atexit", "bisect", "collections", "functools", "heapq", "io", "itertools", "linecache", "math",
           "re", "string", "traceback")
DENIED_SYSCALLS = (
    # making processes or threads, and replacing the program
    "fork", "vfork", "clone", "clone3", "execve", "execveat",
    # networking of any kind, unix sockets included
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    # reaching into other processes
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_open", "pidfd_getfd", "pidfd_send_signal",
    "kcmp",
    # namespaces, mounts, kernel interfaces a program never needs
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_by_handle_at", "name_to_handle_at",
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key", "personality", "modify_ldt",
    "iopl", "ioperm", "io_uring_setup", "io_uring_enter", "io_uring_register",
    # memory outside RLIMIT_AS: SysV IPC and POSIX message queues
    "shmget", "shmat", "shmctl", "msgget", "msgsnd", "semget", "mq_open",
)
# fcntl/ioctl commands that would make the kernel signal another process (SIGIO to a chosen owner).
F_SETOWN, F_SETSIG, F_SETOWN_EX = 8, 10, 15
FIOSETOWN, SIOCSPGRP = 0x8901, 0x8902


def main() -> None:
    config = json.loads(read_message(MAX_CONFIG))
    limits = config["limits"]
    code_text = config["code"]
    try:
        base_filter = build_filter() if config["sandboxed"] else None
    except Exception as exc:  # the sandbox is unusable: say why instead of running unconfined
        send_json({"fatal": "seccomp is unavailable: %s: %s" % (type(exc).__name__, exc)})
        return
    # The harness itself gets a memory ceiling too, so compiling hostile source cannot exhaust the machine.
    ceiling = (limits["memory_mb"] + 256) << 20
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    code = compile_student(code_text)
    if code is None:
        return
    for name in PRELOAD:
        __import__(name)
    sys.modules["linecache"].cache[STUDENT_FILE] = (
        len(code_text), None, code_text.splitlines(True), STUDENT_FILE)
    send_json({"ready": True})
    while True:
        header = read_exact(HEADER.size, eof_ok=True)
        if not header:
            return
        run_case(code, HEADER.unpack(header)[0], limits, base_filter)


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
        rules.add_rule(deny, "fcntl", seccomp.Arg(1, seccomp.EQ, command))
    for command in (FIOSETOWN, SIOCSPGRP):
        rules.add_rule(deny, "ioctl", seccomp.Arg(1, seccomp.EQ, command))
    return rules


def compile_student(code_text: str) -> types.CodeType | None:
    import warnings

    try:
        # Warnings would go to this process's stderr, an unread pipe: thousands of them could block it.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return compile(code_text, STUDENT_FILE, "exec", dont_inherit=True)
    except SyntaxError as exc:
        send_json({"compile_error": {"type": type(exc).__name__, "line": exc.lineno, "message": exc.msg}})
    except ValueError as exc:  # 3.11 rejects NUL bytes with ValueError rather than SyntaxError
        line = code_text.count("\n", 0, max(code_text.find("\0"), 0)) + 1
        send_json({"compile_error": {"type": "SyntaxError", "line": line, "message": str(exc)}})
    except MemoryError:
        send_json({"compile_error": {"type": "MemoryError", "line": None, "message": "the code is too large"}})
    return None


def run_case(code: types.CodeType, input_len: int, limits: Limits, base_filter: Any) -> None:
    files = [os.memfd_create(name) for name in ("stdin", "stdout", "stderr", "report")]
    splice_in(files[0], input_len)
    setup_read, setup_write = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(setup_read)
        child(code, files, setup_write, limits, base_filter)
    os.close(setup_write)
    pidfd = os.pidfd_open(pid)
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    wall_killed = not poller.poll(limits["wall_ms"])
    if wall_killed:
        os.kill(pid, signal.SIGKILL)
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
    send_json({
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
    })
    splice_out(files[1], 0, out_len)
    splice_out(files[2], err_offset, err_size - err_offset)
    splice_out(files[3], 0, report_len)
    for fd in files:
        os.close(fd)


def child(code: types.CodeType, files: list[int], setup_write: int, limits: Limits, base_filter: Any) -> None:
    """Confine this forked process and run the student's code in it; never returns."""
    try:
        for target, fd in enumerate(files):
            os.dup2(fd, target)
        os.dup2(setup_write, len(files))
        os.closerange(len(files) + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
        set_limits(limits)
        if base_filter is not None:
            load_filter(base_filter, os.getpid())
        os.write(len(files), b"1")
        os.close(len(files))
    except BaseException:
        os._exit(SETUP_FAILED)
    run_student(code)


def set_limits(limits: Limits) -> None:
    cpu_s = max(1, -(-limits["cpu_ms"] // 1000))
    memory = limits["memory_mb"] << 20
    output = limits["output_kb"] * 1024 + 1  # one byte over the cap tells "exceeded" from "exactly full"
    # Soft == hard everywhere: a program may lower a limit but never raise it back.
    for limit, value in ((resource.RLIMIT_CPU, cpu_s), (resource.RLIMIT_AS, memory),
                         (resource.RLIMIT_FSIZE, output), (resource.RLIMIT_NOFILE, CHILD_NOFILE),
                         (resource.RLIMIT_NPROC, 0), (resource.RLIMIT_CORE, 0),
                         (resource.RLIMIT_MEMLOCK, 0), (resource.RLIMIT_MSGQUEUE, 0)):
        resource.setrlimit(limit, (value, value))


def load_filter(rules: Any, pid: int) -> None:
    import seccomp

    deny = seccomp.ERRNO(errno.EPERM)
    # Signals only to itself: os.abort(), signal.raise_signal() and os.kill(os.getpid(), ...) keep working.
    for name in ("kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        rules.add_rule(deny, name, seccomp.Arg(0, seccomp.NE, pid))
    rules.load()


def run_student(code: types.CodeType) -> None:
    import atexit
    import traceback

    # Kept before the program runs: it may replace any of these.
    exit_now, write, format_exception = os._exit, os.write, traceback.format_exception
    main_module = types.ModuleType("__main__")
    main_module.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = main_module
    sys.argv[:] = [STUDENT_FILE]
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = sys.__stderr__ = open(  # noqa: SIM115
        2, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)
    status, report = 0, None
    try:
        exec(code, main_module.__dict__)  # noqa: S102 - running the submission is the point
    except SystemExit as exc:
        status = exit_status(exc.code)
    except BaseException as exc:
        status, report = 1, describe(exc)
        try:
            sys.stderr.write("".join(format_exception(type(exc), exc, exc.__traceback__.tb_next)))
        except BaseException:
            pass
    try:
        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            status = status or 120  # what CPython's own exit does when flushing stdout fails
    if report is not None:
        try:
            write(3, json.dumps(report).encode()[:REPORT_MAX])
        except BaseException:
            pass
    exit_now(status)


def exit_status(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write("%s\n" % (code,))
    except BaseException:
        pass
    return 1


def describe(exc: BaseException) -> dict[str, Any]:
    """What a beginner needs: the exception's type, its last traceback line and the line in main.py."""
    kind = type(exc).__name__
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == STUDENT_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    if isinstance(exc, MemoryError):
        return {"type": kind, "line": line, "message": kind}
    try:
        import traceback

        message = traceback.format_exception_only(type(exc), exc)[-1].strip()
    except BaseException:
        message = kind
    return {"type": kind, "line": line, "message": message[:1000]}


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
    (size,) = HEADER.unpack(read_exact(HEADER.size))
    if size > limit:
        raise ValueError("message too large")
    return read_exact(size)


def send_json(obj: dict[str, Any]) -> None:
    body = json.dumps(obj).encode()
    data = HEADER.pack(len(body)) + body
    while data:
        data = data[os.write(1, data):]


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
