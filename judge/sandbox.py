"""Starting the sandbox and talking to the harness inside it (the trusted side of the protocol in _harness.py)."""

import ast
import functools
import json
import marshal
import mmap
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judge.model import JudgeFailure, Limits, SandboxStatus, SandboxUnavailable

SYSTEM_PYTHON = "/usr/bin/python3"
SECCOMP_DIR = "/usr/lib/python3/dist-packages"
# The locale the interpreter switches the C locale to (PEP 538): without it, it runs in plain "C".
COERCED_LOCALE = "/usr/lib/locale/C.utf8"
PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3  # ELF segment types
DT_NULL, DT_NEEDED, DT_STRTAB = 0, 1, 5  # ELF dynamic section tags
UNSANDBOXED_SWITCH = "BEKRIN_JUDGE_UNSANDBOXED"
SANDBOX_UID = 65534  # nobody, inside the sandbox and, when the judge runs as root, outside too
HARNESS_SOURCE = (Path(__file__).parent / "_harness.py").read_text(encoding="utf-8")
MAX_REPLY = 64 * 1024
REPORT_MAX = 4096
ERR_TAIL = 8192
# Slack on top of the limits before the trusted side gives up on the whole sandbox: start-up (a cold disk
# cache), and per case the harness's own bookkeeping after its wall-clock kill.
STARTUP_GRACE_S = 10.0
CASE_GRACE_S = 2.0


@dataclass(frozen=True)
class RawRun:
    """What the harness measured for one test case, before any verdict is decided."""

    setup_ok: bool
    exit_code: int | None
    signal: int | None
    cpu_ms: float
    wall_ms: float
    wall_killed: bool
    memory_kb: int
    out_size: int
    stdout: bytes
    stderr_tail: bytes
    report: dict[str, Any] | None


@dataclass(frozen=True)
class CompileError:
    kind: str
    line: int | None
    message: str


def unsandboxed_allowed() -> bool:
    return os.environ.get(UNSANDBOXED_SWITCH, "") == "1"


def sandbox_status() -> SandboxStatus:
    """Whether submissions can be judged here, by starting a real (empty) sandbox."""
    try:
        with open_harness("pass", Limits()) as harness:
            if harness.compile_error is not None:
                return SandboxStatus(False, f"the harness rejected a trivial program: {harness.compile_error}")
    except (SandboxUnavailable, JudgeFailure) as exc:
        return SandboxStatus(False, str(exc))
    return SandboxStatus(True, "bubblewrap, /usr/bin/python3 and python3-seccomp work")


def _command(sandboxed: bool, info_fd: int) -> list[str]:
    harness = ["-I", "-S", "-c", HARNESS_SOURCE]
    if not sandboxed:
        # Development only: the same harness with its rlimits, but neither namespaces nor seccomp.
        python = SYSTEM_PYTHON if os.path.exists(SYSTEM_PYTHON) else os.path.realpath(sys.executable)
        return [python, *harness]
    if not any(name.startswith("seccomp.") for name in os.listdir(SECCOMP_DIR) if os.path.isdir(SECCOMP_DIR)):
        raise SandboxUnavailable("the seccomp module is missing: apt-get install python3-seccomp")
    return [*bwrap_prefix(info_fd), SYSTEM_PYTHON, *harness]


def bwrap_prefix(info_fd: int | None) -> list[str]:
    """bwrap and its options, up to the `--` that precedes the sandboxed command."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed: apt-get install bubblewrap")
    if not os.path.exists(SYSTEM_PYTHON):
        raise SandboxUnavailable(f"{SYSTEM_PYTHON} is missing: apt-get install python3-minimal")
    argv = [
        bwrap,
        "--unshare-all",  # network, pid, ipc, uts, cgroup namespaces: no socket reaches the host
        "--unshare-user",
        "--uid", str(SANDBOX_UID),
        "--gid", str(SANDBOX_UID),
        "--cap-drop", "ALL",
        "--die-with-parent",
        # The harness is the namespace's init: bwrap reaps it directly, and it dies only after every process in
        # the namespace has, so nothing of the sandbox outlives bwrap. Init also ignores any signal it has no
        # handler for, even SIGKILL, when it comes from inside the namespace.
        "--as-pid-1",
        "--new-session",  # no controlling terminal: /dev/tty cannot be opened, TIOCSTI cannot inject
        "--clearenv",
        *interpreter_mounts(),
    ]  # fmt: skip
    if info_fd is not None:
        argv += ["--info-fd", str(info_fd)]  # tells the pid of the sandbox's init, the handle to kill all of it
    for top in ("/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(top):  # merged /usr: the links keep the interpreter's library paths working
            argv += ["--symlink", os.readlink(top), top]
    # No /proc: a case could otherwise open the harness's pipes through /proc/<pid>/fd.
    argv += ["--dev", "/dev", "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/"]
    return [*argv, "--"]


@functools.cache
def interpreter_mounts() -> tuple[str, ...]:
    """bwrap options that bind, read-only, only what the interpreter needs: SYSTEM_PYTHON (and the links to it),
    its standard library with the extension modules, the seccomp module, the C.UTF-8 locale, and the shared
    libraries all of them load, ld.so included. Nothing else of /usr: no other program, no /usr/local, no
    /usr/share. Found once per process by reading the files' ELF headers, without starting anything."""
    python = os.path.realpath(SYSTEM_PYTHON)
    # Where the interpreter itself looks for its landmark os.py: <prefix>/lib/python3.X next to <prefix>/bin.
    stdlib = os.path.join(os.path.dirname(os.path.dirname(python)), "lib", os.path.basename(python))
    if not os.path.isfile(os.path.join(stdlib, "os.py")):
        raise SandboxUnavailable(f"the standard library of {SYSTEM_PYTHON} is not in {stdlib}")
    extensions = [
        os.path.join(root, name) for root, _, names in os.walk(stdlib) for name in names if name.endswith(".so")
    ]
    seccomp_files = [entry.path for entry in os.scandir(SECCOMP_DIR) if entry.name.startswith("seccomp.")]
    options = []
    link = SYSTEM_PYTHON
    while os.path.islink(link):  # /usr/bin/python3 -> python3.11: the interpreter finds its prefix through it
        target = os.readlink(link)
        options += ["--symlink", target, link]
        link = os.path.normpath(os.path.join(os.path.dirname(link), target))
    for path in (python, stdlib, *seccomp_files):
        options += ["--ro-bind", path, path]
    if os.path.isdir(COERCED_LOCALE):
        options += ["--ro-bind", COERCED_LOCALE, COERCED_LOCALE]
    for library in _shared_libraries(python, [*extensions, *seccomp_files]):
        # At the path ld.so opens (/lib/x86_64-linux-gnu is /usr/lib/x86_64-linux-gnu through the /lib link).
        target = os.path.join(os.path.realpath(os.path.dirname(library)), os.path.basename(library))
        options += ["--ro-bind", library, target]
    return tuple(options)


def _shared_libraries(program: str, modules: list[str]) -> list[str]:
    """ld.so and every library the program and the modules load, directly or through another library, each as
    the path where ld.so finds it. The sandbox has no /etc/ld.so.cache, so ld.so searches only its default
    directories: its own (the multiarch one on Debian), /lib and /usr/lib."""
    loader, needed = _elf_dependencies(program)
    if loader is None:
        raise SandboxUnavailable(f"{SYSTEM_PYTHON} names no program interpreter (ld.so)")
    directories = (os.path.dirname(os.path.realpath(loader)), "/lib", "/usr/lib")
    found: dict[str, None] = {loader: None}
    pending = [*needed, *(name for module in modules for name in _elf_dependencies(module)[1])]
    while pending:
        name = pending.pop()
        path = next((f"{d}/{name}" for d in directories if os.path.exists(f"{d}/{name}")), None)
        if path is not None and path not in found:  # one missing breaks only its module, as outside
            found[path] = None
            pending += _elf_dependencies(path)[1]
    return list(found)


def _elf_dependencies(path: str) -> tuple[str | None, list[str]]:
    """The program interpreter (PT_INTERP) and the libraries (DT_NEEDED) of a 64-bit little-endian ELF file."""
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data[:6] != b"\x7fELF\x02\x01":
            raise SandboxUnavailable(f"{path} is not a 64-bit little-endian ELF file")
        (table,) = struct.unpack_from("<Q", data, 32)  # e_phoff
        entry_size, count = struct.unpack_from("<HH", data, 54)  # e_phentsize, e_phnum
        # (p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz) of each segment
        segments: list[tuple[int, ...]] = [
            struct.unpack_from("<IIQQQQ", data, table + n * entry_size) for n in range(count)
        ]

        def text(offset: int) -> str:
            return data[offset : data.find(b"\0", offset)].decode("utf-8", "replace")

        def file_offset(address: int) -> int:
            return next(o + address - a for t, _, o, a, _, n in segments if t == PT_LOAD and a <= address < a + n)

        loader, names, strings = None, [], 0
        for kind, _, offset, _, _, size in segments:
            if kind == PT_INTERP:
                loader = text(offset)
            elif kind == PT_DYNAMIC:
                for position in range(offset, offset + size, 16):
                    tag, value = struct.unpack_from("<qQ", data, position)
                    if tag == DT_NULL:
                        break
                    if tag == DT_NEEDED:
                        names.append(value)
                    elif tag == DT_STRTAB:
                        strings = file_offset(value)
        return loader, [text(strings + name) for name in names]


def as_sandbox_user() -> dict[str, Any]:
    """Popen arguments that start the sandbox as nobody when the judge runs as root: bwrap's user namespace then
    maps to nobody on the host, so RLIMIT_NPROC applies (it never does to root) and nothing could own a file."""
    if os.geteuid() != 0:
        return {}
    return {"user": SANDBOX_UID, "group": SANDBOX_UID, "extra_groups": []}


def carry_niceness(pid: int) -> None:
    """Give the harness's session the niceness of the thread that starts it (the worker's JUDGE_NICE); the children
    it forks for the test cases share its session.

    bwrap's --new-session makes the harness a session of its own, and with the kernel's autogroup scheduling (on
    by default where no cpu cgroup groups the processes) every session shares the CPU as one peer, whatever the
    niceness of its processes: a sandbox would weigh as much as the whole web server. Its autogroup's niceness is
    the one knob that counts there. Best effort: where the kernel has no autogroup, or refuses the write (it lets
    a process without CAP_SYS_ADMIN change one only every 100 ms), the sandbox keeps the inherited niceness."""
    nice = os.getpriority(os.PRIO_PROCESS, 0)  # on Linux, the calling thread's
    if nice <= 0:
        return
    try:
        with open(f"/proc/{pid}/autogroup", "w") as autogroup:
            autogroup.write(str(nice))
    except OSError:
        pass


class Harness:
    """A running sandbox with the student's code compiled in it, ready to run test cases one at a time.
    Use it through open_harness(), which always tears the sandbox down."""

    def __init__(self, code: str, limits: Limits) -> None:
        self.limits = limits
        self.sandboxed = not unsandboxed_allowed()
        self.compile_error: CompileError | None = None
        self._code = code
        self._deadline = 0.0
        self._timed_out = False
        self._init_pidfd: int | None = None
        self._init_pid: int | None = None
        info_read, info_write = os.pipe()
        try:
            argv = _command(self.sandboxed, info_write)
            self._process = subprocess.Popen(  # noqa: S603 - a fixed argv, no shell
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=[info_write] if self.sandboxed else [],
                start_new_session=True,
                cwd="/",
                **as_sandbox_user(),
            )
        except BaseException:
            os.close(info_read)
            raise
        finally:
            os.close(info_write)
        self._info = info_read
        assert self._process.stdin is not None and self._process.stdout is not None
        self._to_harness = self._process.stdin.fileno()
        self._from_harness = self._process.stdout.fileno()
        os.set_blocking(self._to_harness, False)  # a write must never outlast the deadline

    def start(self) -> None:
        """Send the code and wait until the harness has compiled it (or found a syntax error)."""
        self._deadline = time.monotonic() + STARTUP_GRACE_S
        if self.sandboxed:
            self._watch_init()
        config = {"code": self._code, "limits": vars(self.limits), "sandboxed": self.sandboxed}
        self._send(marshal.dumps(config, 4))  # version 4: what the sandbox's Python 3.11 reads
        reply = self._receive(starting=True)
        harness = self._harness_pid()
        if harness is not None:  # it answered, so it runs in the session bwrap's --new-session made: its autogroup
            carry_niceness(harness)
        if "fatal" in reply:
            raise SandboxUnavailable(str(reply["fatal"]))
        error = reply.get("compile_error")
        if isinstance(error, dict):
            self.compile_error = CompileError(
                str(error.get("type")), _line(error.get("line")), str(error.get("message"))
            )
        elif reply != {"ready": True}:
            raise JudgeFailure(f"unexpected harness reply {_preview(reply)}")

    def _watch_init(self) -> None:
        """Hold a pidfd on the sandbox's init (the harness). Killing it makes the kernel kill every process in
        the sandbox before it can be reaped, so once bwrap has exited nothing of the sandbox is left; a pidfd
        cannot hit a recycled pid."""
        chunks = []
        while self._wait(self._info, select.POLLIN) and (chunk := os.read(self._info, 4096)):
            chunks.append(chunk)  # bwrap writes the JSON, then closes the descriptor
        try:
            pid = int(json.loads(b"".join(chunks))["child-pid"])
            self._init_pidfd = os.pidfd_open(pid)
            self._init_pid = pid
        except (ValueError, KeyError, TypeError, OSError):
            pass  # bwrap failed before starting init: its stderr will say why

    def _harness_pid(self) -> int | None:
        """The harness's pid on the host: the sandbox's init (bwrap's child), or without a sandbox our child."""
        return self._init_pid if self.sandboxed else self._process.pid

    def run(self, stdin: bytes) -> RawRun:
        self._deadline = time.monotonic() + self.limits.wall_ms / 1000 + CASE_GRACE_S
        self._send(stdin)
        head = self._receive(starting=False)
        try:
            out_len, err_len, report_len = (int(head[name]) for name in ("out_len", "err_len", "report_len"))
            exit_code, signal_number = (_int_or_none(head[name]) for name in ("exit_code", "signal"))
            measured = {name: float(head[name]) for name in ("cpu_ms", "wall_ms", "memory_kb", "out_size")}
            setup_ok, wall_killed = head["setup_ok"] is True, head["wall_killed"] is True
        except (KeyError, TypeError, ValueError, OverflowError):
            raise JudgeFailure(f"malformed harness reply {_preview(head)}") from None
        if not (0 <= out_len <= self.limits.output_kb * 1024 and 0 <= err_len <= ERR_TAIL
                and 0 <= report_len <= REPORT_MAX):  # fmt: skip
            raise JudgeFailure(f"harness announced impossible sizes {_preview(head)}")
        stdout = self._read_exact(out_len)
        stderr_tail = self._read_exact(err_len)
        report = _parse_report(self._read_exact(report_len))
        return RawRun(
            setup_ok=setup_ok,
            exit_code=exit_code,
            signal=signal_number,
            cpu_ms=measured["cpu_ms"],
            wall_ms=measured["wall_ms"],
            wall_killed=wall_killed,
            memory_kb=int(measured["memory_kb"]),
            out_size=int(measured["out_size"]),
            stdout=stdout,
            stderr_tail=stderr_tail,
            report=report,
        )

    def close(self) -> None:
        process = self._process
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()
        if self._init_pidfd is not None:
            # The harness has nothing to clean up: killing it is quicker than its interpreter's orderly exit.
            self._kill()
            process.wait()
        else:
            try:  # end of input makes the harness exit
                process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                self._kill()
                process.wait()
        for fd in (self._info, self._init_pidfd):
            if fd is not None:
                os.close(fd)
        if process.stderr is not None:
            process.stderr.close()

    def _wait(self, fd: int, event: int) -> bool:
        """The trusted side's own kill timer: wait until `fd` is ready, or kill the sandbox at the deadline,
        whatever happens inside it."""
        poller = select.poll()
        poller.register(fd, event)
        if not poller.poll(max(0, self._deadline - time.monotonic()) * 1000):
            self._timed_out = True
            raise self._broken("the sandbox stopped answering")
        return True

    def _kill(self) -> None:
        """Kill the sandbox; the caller then waits for bwrap, which exits once its init has been reaped."""
        if self._process.returncode is not None:
            return
        try:
            if self._init_pidfd is not None:
                signal.pidfd_send_signal(self._init_pidfd, signal.SIGKILL)
            else:  # bwrap not started yet, or unsandboxed: the session holds whatever was started
                os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def _send(self, body: bytes) -> None:
        data = memoryview(len(body).to_bytes(4, "big") + body)
        while data and self._wait(self._to_harness, select.POLLOUT):
            try:
                data = data[os.write(self._to_harness, data) :]
            except BlockingIOError:  # room for less than a page: wait again
                continue
            except BrokenPipeError:
                raise self._broken("the sandbox closed its input") from None

    def _receive(self, starting: bool) -> dict[str, Any]:
        try:
            size = int.from_bytes(self._read_exact(4), "big")
            if size > MAX_REPLY:
                raise JudgeFailure(f"harness reply of {size} bytes")
            reply = _literal(self._read_exact(size))
        except JudgeFailure as exc:
            if starting and not self._timed_out:
                # Nothing came back at all: bwrap or the interpreter could not start (its stderr says why).
                raise SandboxUnavailable(str(exc)) from None
            raise
        if reply is None:
            raise JudgeFailure("unexpected harness reply")
        return reply

    def _read_exact(self, size: int) -> bytes:
        chunks, missing = [], size
        while missing and self._wait(self._from_harness, select.POLLIN):
            chunk = os.read(self._from_harness, min(missing, 1 << 20))
            if not chunk:
                raise self._broken("the sandbox stopped answering")
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _broken(self, what: str) -> JudgeFailure:
        self._kill()
        self._process.wait()
        detail = ""
        if self._process.stderr is not None:
            detail = self._process.stderr.read(ERR_TAIL).decode("utf-8", "replace").strip()
        if self._timed_out:
            what += " within its time limit"
        return JudgeFailure(f"{what} (exit status {self._process.returncode}): {detail or 'no message'}")


def _int_or_none(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"not an int: {value!r}")
    return value


def _line(value: object) -> int | None:
    """A line number, or None for anything that is not a plausible one (a forged report could say 10**5000)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**7 else None


def _preview(value: object) -> str:
    try:
        return repr(value)[:300]
    except ValueError:  # an int too long to print
        return "<unprintable>"


def _literal(raw: bytes) -> dict[str, Any] | None:
    """A dict the harness or a child wrote as a Python literal, read without ever evaluating code."""
    try:
        value = ast.literal_eval(raw.decode("utf-8", "replace"))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _parse_report(raw: bytes) -> dict[str, Any] | None:
    """The child's own account of its exception. The student's code could have forged it, so it only ever
    shapes the message of its own failure, and every field is checked."""
    report = _literal(raw) if raw else None
    if report is None:
        return None
    kind, message = report.get("type"), report.get("message")
    return {
        "type": kind[:100] if isinstance(kind, str) else "Exception",
        "line": _line(report.get("line")),
        "message": message[:1000] if isinstance(message, str) else "",
    }


@contextmanager
def open_harness(code: str, limits: Limits) -> Iterator[Harness]:
    harness = Harness(code, limits)
    try:
        harness.start()
        yield harness
    finally:
        harness.close()
