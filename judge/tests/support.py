"""Helpers for the judge's tests: running a program, and a watch on what the host looks like."""

import contextlib
import ctypes
import os
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from judge import JudgeRequest, JudgeResult, Limits, TestCase, judge

SANDBOX_UID = 65534
PROBE = "bekrin-judge-probe"  # hostile programs name everything they try to create with this
REPO = Path(__file__).resolve().parents[2]
WATCHED_DIRS = ("/tmp", "/dev/shm", "/var/tmp")
FAST = Limits(cpu_ms=500, wall_ms=2000)
# For tests that must end on CPU time: a wall limit a loaded machine cannot reach first.
CPU_BOUND = Limits(cpu_ms=500, wall_ms=10_000)
PR_SET_CHILD_SUBREAPER = 36


def run(code: str, *inputs: str, expected: str = "", limits: Limits | None = None) -> JudgeResult:
    """Judge `code` on each input (one empty input if none), every case visible and expecting `expected`."""
    cases = [TestCase(input=text, expected=expected, visible=True) for text in inputs or ("",)]
    return judge(JudgeRequest(code=code, cases=cases, limits=limits or Limits()))


class Listener:
    """A server that only counts who reached it."""

    def __init__(self, family: int, address: object) -> None:
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind(address)
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@dataclass
class Host:
    """What a sandboxed program could reach on this machine, and how to tell whether it did."""

    tcp_port: int
    unix_path: str
    abstract_name: str
    secret_path: str
    canary_pid: int
    listeners: list[Listener] = field(default_factory=list)

    def facts(self) -> str:
        """The host's addresses, handed to a hostile program as its test input."""
        return f"{self.tcp_port} {self.unix_path} {self.abstract_name} {self.secret_path} {self.canary_pid}"


def _entries(directory: str) -> set[str]:
    try:
        return set(os.listdir(directory))
    except FileNotFoundError:
        return set()


def descendants() -> dict[int, str]:
    """pid -> state ("R", "S", "Z"...) of every process that descends from this one."""
    parents, states = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        states[int(name)], parents[int(name)] = fields[0], int(fields[1])
    found: dict[int, str] = {}
    frontier = [os.getpid()]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = states[pid]
                frontier.append(pid)
    return found


def live_descendants(ignore: set[int]) -> set[int]:
    """Processes still running below this one, after reaping the orphans that came to it already dead."""
    for pid, state in descendants().items():
        if state == "Z" and pid not in ignore:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    return {pid for pid, state in descendants().items() if state != "Z" and pid not in ignore}


def _subreaper(on: bool) -> None:
    """While on, orphans of anything started here come to this process instead of the host's init: a process
    a sandbox left behind is then seen here, however it was orphaned, and other people's are not."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0)


@contextlib.contextmanager
def watch_host() -> Iterator[Host]:
    """Yield the host's addresses; on leaving, fail if a program left files or processes, made a connection,
    killed the canary process of the sandbox's uid, or changed the host's secret file."""
    workdir = tempfile.mkdtemp(prefix="judge-host-")
    secret_path = os.path.join(workdir, "secret.txt")
    Path(secret_path).write_text("HOST-SECRET\n")
    canary = subprocess.Popen(  # a process of the sandbox's own uid, the likeliest victim of a kill(-1)
        ["/usr/bin/sleep", "600"], user=SANDBOX_UID, group=SANDBOX_UID, extra_groups=[]
    )
    tcp = Listener(socket.AF_INET, ("127.0.0.1", 0))
    unix = Listener(socket.AF_UNIX, os.path.join(workdir, "listener.sock"))
    # Were the sandbox's nobody able to see these paths, permissions must not be what stops it.
    os.chmod(workdir, 0o755)  # noqa: S103
    os.chmod(unix.sock.getsockname(), 0o777)  # noqa: S103
    abstract_name = f"{PROBE}-{os.getpid()}"
    abstract = Listener(socket.AF_UNIX, "\0" + abstract_name)
    listeners = [tcp, unix, abstract]
    for port in (5432, 6379):  # PostgreSQL and Redis: recorded too whenever nothing real listens there
        with contextlib.suppress(OSError):
            listeners.append(Listener(socket.AF_INET, ("127.0.0.1", port)))
    files_before = {directory: _entries(directory) for directory in WATCHED_DIRS}
    _subreaper(True)
    watched = Host(
        tcp_port=tcp.sock.getsockname()[1],
        unix_path=unix.sock.getsockname(),
        abstract_name=abstract_name,
        secret_path=secret_path,
        canary_pid=canary.pid,
        listeners=listeners,
    )
    try:
        yield watched
        for directory in WATCHED_DIRS:
            new = _entries(directory) - files_before[directory]
            # Others may use /tmp meanwhile: what counts is what the sandbox's uid owns or a probe is named.
            suspicious = {
                name for name in new
                if PROBE in name or _owner(os.path.join(directory, name)) == SANDBOX_UID
            }  # fmt: skip
            assert not suspicious, f"files appeared in {directory}: {suspicious}"
        assert not os.path.exists(f"/{PROBE}"), "a file appeared at the root"
        leftovers = live_descendants(ignore={canary.pid})
        assert not leftovers, f"processes left behind: {leftovers}"
        assert canary.poll() is None, "the canary process of the sandbox's uid was killed"
        assert [listener.accepted for listener in listeners] == [0] * len(listeners), "a connection was made"
        assert Path(secret_path).read_text() == "HOST-SECRET\n"
    finally:
        _subreaper(False)
        canary.kill()
        canary.wait()
        for listener in listeners:
            listener.close()
        for name in os.listdir(workdir):
            os.unlink(os.path.join(workdir, name))
        os.rmdir(workdir)


def _owner(path: str) -> int | None:
    try:
        return os.lstat(path).st_uid
    except FileNotFoundError:
        return None
