"""Hostile programs (docs/JUDGE.md's list): each gets the right verdict, and the host watch sees nothing harmed.

Every program receives the host's addresses as its input (see Host.facts). Programs that probe many doors print
what happened at each, so the expected output spells out that every door stayed shut; the `host` fixture then
checks from outside: no file, no process, no connection, the canary process of the sandbox's uid alive.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from judge import JudgeRequest, Limits, TestCase, Verdict, judge
from judge.tests.support import CPU_BOUND, FAST, PROBE, REPO, Host

FACTS = "port, unix_path, abstract, secret, canary = input().split()\n"
CALLS = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
out = []
def attempt(name, call):
    try:
        value = call()
    except OSError as exc:
        out.append(f"{name}:{exc.errno}")
        return
    out.append(f"{name}:{ctypes.get_errno() if value == -1 else 'DONE'}")
"""


@dataclass(frozen=True)
class Hostile:
    code: str
    verdict: Verdict
    expected: str = ""  # the test case's expected output
    output: str | None = None  # when given, exactly what the program must have printed
    message: str = ""  # a part of the submission's message
    limits: Limits = FAST
    stdin: Callable[[Host], str] = Host.facts


def _read_paths(host: Host) -> str:
    return " ".join([
        "/etc/passwd", "/etc/shadow", "/etc/hostname", "/root", "/home", "/work", "/run", "/sys/kernel",
        "/proc/1/environ", "/proc/1/cmdline", "/proc/1/mem", "/proc/self/status", "/tmp", "/var/tmp",
        host.secret_path, os.path.dirname(host.secret_path), host.unix_path,
        f"{REPO}/config/settings.py", f"{REPO}/.pgdata", f"{REPO}/.pgdata/PG_VERSION", f"{REPO}/.env",
        f"{REPO}/judge/_harness.py", f"{REPO}/docs/API.md", "/var/run/postgresql",
    ])  # fmt: skip


def _root_entries() -> str:
    links = [name for name in ("bin", "lib", "lib64", "sbin") if os.path.lexists(f"/{name}")]
    return str(sorted(["dev", "usr", *links]))


HOSTILE = {
    # ---- making processes and threads
    "fork bomb": Hostile("import os\nwhile True:\n    os.fork()\n", Verdict.ERROR, message="PermissionError"),
    "every way to make a process": Hostile(
        CALLS
        + """
import multiprocessing, subprocess
attempt("fork", os.fork)
attempt("posix_spawn", lambda: os.posix_spawn("/usr/bin/true", ["true"], {}))
attempt("vfork", libc.vfork)
attempt("clone", lambda: libc.syscall(56, 17, 0, 0, 0, 0))
attempt("clone3", lambda: libc.syscall(435, 0, 0))
attempt("execv", lambda: os.execv("/usr/bin/true", ["true"]))
attempt("subprocess", lambda: subprocess.run(["/usr/bin/true"]))
attempt("multiprocessing", lambda: multiprocessing.Process(target=print).start())
out.append(f"system:{os.system(f'touch /tmp/{PROBE}') != 0}")
print(" ".join(out))
""".replace("{PROBE}", PROBE),
        Verdict.PASSED,
        "fork:1 posix_spawn:1 vfork:1 clone:1 clone3:1 execv:1 subprocess:1 multiprocessing:1 system:True",
    ),
    "thread bomb": Hostile(
        "import threading, time\nwhile True:\n    threading.Thread(target=time.sleep, args=(60,)).start()\n",
        Verdict.ERROR,
        message="RuntimeError: can't start new thread (line 3)",
    ),
    # ---- reading what is not its own
    "reading host files, the project and its database": Hostile(
        """
import os
found = []
for path in input().split():
    try:
        with open(path, "rb") as file:
            file.read(1)
        found.append(path)
    except OSError:
        pass
    try:
        os.listdir(path)
        found.append(path + "/")
    except OSError:
        pass
print("readable:", found)
""",
        Verdict.PASSED,
        "readable: []",
        stdin=_read_paths,
    ),
    "listing the file system": Hostile(
        "import os\nprint(sorted(os.listdir('/')), os.listdir('/dev/shm'), os.getcwd(), dict(os.environ))",
        Verdict.PASSED,
        # The only variables: bwrap's PWD and the UTF-8 locale Python itself sets (PEP 538); nothing of the host.
        f"{_root_entries()} [] / {{'PWD': '/', 'LC_CTYPE': 'C.UTF-8'}}",
    ),
    # ---- the network
    "sockets to localhost services, unix sockets and the internet": Hostile(
        FACTS
        + """
import socket
doors = {
    "listener": (socket.AF_INET, ("127.0.0.1", int(port))),
    "postgres": (socket.AF_INET, ("127.0.0.1", 5432)),
    "redis": (socket.AF_INET, ("127.0.0.1", 6379)),
    "ipv6": (socket.AF_INET6, ("::1", int(port))),
    "unix": (socket.AF_UNIX, unix_path),
    "abstract": (socket.AF_UNIX, "\\0" + abstract),
    "internet": (socket.AF_INET, ("1.1.1.1", 80)),
}
out = []
for name, (family, address) in doors.items():
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(1)
        sock.connect(address)
        out.append(name + ":CONNECTED")
    except OSError as exc:
        out.append(f"{name}:{exc.errno}")
try:
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", int(port)))
    out.append("udp:SENT")
except OSError as exc:
    out.append(f"udp:{exc.errno}")
try:
    socket.getaddrinfo("example.com", 80)
    out.append("dns:RESOLVED")
except OSError:
    out.append("dns:failed")
print(" ".join(out))
""",
        Verdict.PASSED,
        "listener:1 postgres:1 redis:1 ipv6:1 unix:1 abstract:1 internet:1 udp:1 dns:failed",
    ),
    # ---- writing
    "writing files anywhere": Hostile(
        """
import os
written = []
for path in ["/tmp/P", "/dev/shm/P", "/var/tmp/P", "/P", "/usr/P", "/dev/P", "/dev/tty", "/dev/pts/0"]:
    path = path.replace("P", "PROBE")
    try:
        with open(path, "w") as file:
            file.write("x")
        written.append(path)
    except OSError:
        pass
for make in (os.mkdir, os.mkfifo):
    try:
        make("/dev/shm/PROBE")
        written.append(make.__name__)
    except OSError:
        pass
print("written:", written)
""".replace("PROBE", PROBE),
        Verdict.PASSED,
        "written: []",
    ),
    # ---- the judge itself and other processes
    "killing and reconfiguring the judge and the host": Hostile(
        FACTS
        + CALLS
        + """
import fcntl, resource, signal
ppid = os.getppid()
read_end, write_end = os.pipe()
attempt("parent", lambda: os.kill(ppid, signal.SIGKILL))
attempt("init", lambda: os.kill(1, signal.SIGKILL))
attempt("everyone", lambda: os.kill(-1, signal.SIGKILL))
attempt("group", lambda: os.killpg(0, signal.SIGKILL))
attempt("canary", lambda: os.kill(int(canary), signal.SIGKILL))
attempt("tgkill", lambda: libc.syscall(234, ppid, ppid, 9))
attempt("sigqueue", lambda: libc.syscall(129, ppid, 9, ctypes.create_string_buffer(128)))
attempt("pidfd", lambda: signal.pidfd_send_signal(os.pidfd_open(ppid), signal.SIGKILL))
attempt("sigio", lambda: fcntl.fcntl(read_end, fcntl.F_SETOWN, ppid))
attempt("prlimit", lambda: resource.prlimit(ppid, resource.RLIMIT_CPU, (0, 0)))
attempt("renice", lambda: os.setpriority(os.PRIO_PROCESS, ppid, 19))
attempt("affinity", lambda: os.sched_setaffinity(ppid, {0}))
attempt("ptrace", lambda: libc.ptrace(16, ppid, 0, 0))
buffer = ctypes.create_string_buffer(8)
vector = (ctypes.c_void_p * 2)(ctypes.addressof(buffer), 8)
attempt("process_vm_readv", lambda: libc.process_vm_readv(ppid, vector, 1, vector, 1, 0))
print(" ".join(out))
""",
        Verdict.PASSED,
        "parent:1 init:1 everyone:1 group:1 canary:1 tgkill:1 sigqueue:1 pidfd:1 sigio:1 prlimit:1 renice:1 "
        "affinity:1 ptrace:1 process_vm_readv:1",
    ),
    "the harness's pid with its upper bits set": Hostile(  # the kernel would read it as the harness's pid
        CALLS
        + """
pid = ctypes.c_long(os.getppid() | 1 << 32)
limit = (ctypes.c_ulong * 2)(0, 0)
attempt("kill", lambda: libc.syscall(ctypes.c_long(62), pid, ctypes.c_long(9)))
attempt("prlimit", lambda: libc.syscall(ctypes.c_long(302), pid, ctypes.c_long(0), limit, None))
attempt("renice", lambda: libc.syscall(ctypes.c_long(141), ctypes.c_long(0), pid, ctypes.c_long(19)))
print(" ".join(out))
""",
        Verdict.PASSED,
        "kill:1 prlimit:1 renice:1",
    ),
    "kernel interfaces a program never needs": Hostile(
        CALLS
        + """
attempt("unshare", lambda: libc.unshare(0x10000000))
attempt("mount", lambda: libc.mount(b"none", b"/usr", b"tmpfs", 0, None))
attempt("chroot", lambda: libc.chroot(b"/usr"))
attempt("shmget", lambda: libc.shmget(0, 1 << 30, 0o1600))
attempt("msgget", lambda: libc.msgget(0, 0o1600))
attempt("io_uring", lambda: libc.syscall(425, 8, ctypes.create_string_buffer(120)))
attempt("bpf", lambda: libc.syscall(321, 0, 0, 0))
attempt("userfaultfd", lambda: libc.syscall(323, 0))
attempt("perf", lambda: libc.syscall(298, ctypes.create_string_buffer(128), 0, -1, -1, 0))
attempt("keyctl", lambda: libc.syscall(250, 0, 0, 0, 0, 0))
attempt("packet", lambda: libc.socket(17, 3, 0))
print(" ".join(out))
""",
        Verdict.PASSED,
        "unshare:1 mount:1 chroot:1 shmget:1 msgget:1 io_uring:1 bpf:1 userfaultfd:1 perf:1 keyctl:1 packet:1",
    ),
    "stopping itself": Hostile(
        "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)", Verdict.TIMEOUT, message="of real time"
    ),
    # ---- memory
    "growing a list": Hostile(
        "chunks = []\nwhile True:\n    chunks.append(bytearray(10**7))\n", Verdict.ERROR, message="Memory limit"
    ),
    "one huge bytearray": Hostile("b = bytearray(10**10)", Verdict.ERROR, message="Memory limit exceeded (256 MB)"),
    "one huge string": Hostile("s = 'x' * 10**10", Verdict.ERROR, message="Memory limit exceeded (256 MB)"),
    "a huge anonymous mapping": Hostile(
        "import mmap\nm = mmap.mmap(-1, 10**10)", Verdict.ERROR, message="Cannot allocate memory"
    ),
    "a huge memory file": Hostile(
        "import os\nos.ftruncate(os.memfd_create('x'), 10**10)", Verdict.ERROR, message="File too large"
    ),
    "memory files until it breaks": Hostile(
        "import os\nwhile True:\n    os.write(os.memfd_create('x'), b'x' * 60000)",
        Verdict.ERROR,
        message="Too many open files",
    ),
    # ---- output
    "printing forever": Hostile(
        "while True:\n    print('x' * 1000)", Verdict.ERROR, message="Output limit exceeded: more than 64 KB."
    ),
    "one enormous write": Hostile(
        "import sys\nsys.stdout.write('x' * 10**8)", Verdict.ERROR, message="Output limit exceeded"
    ),
    "output exactly at the limit": Hostile("import sys\nsys.stdout.write('x' * 65536)", Verdict.PASSED, "x" * 65536),
    "flooding stderr": Hostile(
        "import sys\nwhile True:\n    sys.stderr.write('x' * 1000)", Verdict.ERROR, message="File too large"
    ),
    "ignoring the output limit and going on": Hostile(
        "while True:\n    try:\n        print('x' * 1000)\n    except OSError:\n        pass", Verdict.TIMEOUT
    ),
    "closing stdout at the end": Hostile(
        "import os, sys\nprint(3)\nsys.stdout.flush()\nos.close(1)", Verdict.PASSED, "3"
    ),
    "closing stdout before printing": Hostile(
        "import sys\nsys.stdout.close()\nprint(3)", Verdict.ERROR, message="ValueError: I/O operation on closed file"
    ),
    "truncating stdout": Hostile(
        "import os, sys\nprint(3)\nsys.stdout.flush()\nos.ftruncate(1, 0)", Verdict.FAILED, "3", output=""
    ),
    "writing far past the end of stdout": Hostile(
        "import os\nos.lseek(1, 10**9, os.SEEK_SET)\nos.write(1, b'x')", Verdict.ERROR, message="File too large"
    ),
    "closing every descriptor": Hostile(
        "import os\nfor fd in range(4):\n    os.close(fd)\nprint(3)", Verdict.ERROR, message="status 120"
    ),
    "binary and invalid UTF-8 output": Hostile(
        "import sys\nsys.stdout.buffer.write(b'\\xff\\xfe\\x00abc\\n')",
        Verdict.FAILED,
        "abc",
        output="\ufffd\ufffd\ufffdabc\n",
    ),
    "HTML in the output comes back as plain text": Hostile(
        "print('<script>alert(\"x\")</script> &amp; <b>')",
        Verdict.PASSED,
        '<script>alert("x")</script> &amp; <b>',
        output='<script>alert("x")</script> &amp; <b>\n',  # escaping is the page's job, not the judge's
    ),
    "printing a plausible verdict and protocol frames": Hostile(
        """
import json, os, struct, sys
print('{"verdict": "passed", "passed_count": 99}')
print("passed")
fake = json.dumps({"ready": True, "out_len": 0}).encode()
sys.stdout.buffer.write(struct.pack(">I", len(fake)) + fake)
sys.stdout.flush()
os.write(2, struct.pack(">I", len(fake)) + fake)
os.write(3, json.dumps({"type": "MemoryError", "line": 1, "message": "all good"}).encode())
""",
        Verdict.FAILED,
        "42",
        message="Wrong answer on test case 1.",
    ),
    # ---- file descriptors
    "opening files until none are left": Hostile(
        "files = []\nwhile True:\n    files.append(open('/dev/null'))", Verdict.ERROR, message="Too many open files"
    ),
    # ---- recursion, native crashes, big numbers
    "unbounded recursion": Hostile(
        "def f(n):\n    return f(n + 1)\nf(0)", Verdict.ERROR, message="RecursionError: maximum recursion depth"
    ),
    "deep but finite recursion with a raised limit": Hostile(
        "import sys\nsys.setrecursionlimit(10**6)\ndef f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\n"
        "print(f(10**5))",
        Verdict.PASSED,
        "100000",
    ),
    "deeply nested json": Hostile(
        "import json\njson.loads('[' * 10**6 + ']' * 10**6)", Verdict.ERROR, message="RecursionError"
    ),
    "deeply nested json with the recursion limit lifted": Hostile(
        "import json, sys\nsys.setrecursionlimit(10**7)\njson.loads('[' * 10**6 + ']' * 10**6)",
        Verdict.ERROR,
        message="crashed (SIGSEGV)",
    ),
    "ctypes reading address zero": Hostile(
        "import ctypes\nctypes.string_at(0)", Verdict.ERROR, message="crashed (SIGSEGV)"
    ),
    "abort": Hostile("import os\nos.abort()", Verdict.ERROR, message="crashed (SIGABRT)"),
    "huge int to str": Hostile("print(10**5000)", Verdict.ERROR, message="ValueError: Exceeds the limit"),
    "huge int to str with the guard lifted": Hostile(
        "import sys\nsys.set_int_max_str_digits(0)\nprint(len(str(10**(10**7))))", Verdict.TIMEOUT
    ),
    # ---- limit signals and limits
    "sending itself SIGXCPU is no timeout": Hostile(
        "import os, signal\nos.kill(os.getpid(), signal.SIGXCPU)", Verdict.ERROR, message="crashed (SIGXCPU)"
    ),
    "raising SIGKILL on itself is no timeout": Hostile(
        "import signal\nsignal.raise_signal(signal.SIGKILL)", Verdict.ERROR, message="crashed (SIGKILL)"
    ),
    "catching SIGXCPU": Hostile(
        "import signal\nsignal.signal(signal.SIGXCPU, lambda *args: None)\nwhile True:\n    pass",
        Verdict.TIMEOUT,
        message="CPU time",
        limits=CPU_BOUND,
    ),
    "ignoring SIGXCPU": Hostile(
        "import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass",
        Verdict.TIMEOUT,
        message="CPU time",
        limits=CPU_BOUND,
    ),
    "raising its own limits": Hostile(
        """
import resource
kept = []
for limit in ("CPU", "AS", "FSIZE", "NOFILE", "NPROC", "CORE"):
    number = getattr(resource, "RLIMIT_" + limit)
    soft, hard = resource.getrlimit(number)
    try:
        resource.setrlimit(number, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    except (ValueError, OSError):
        kept.append(limit)
    try:
        resource.setrlimit(number, (hard, hard))
    except (ValueError, OSError):
        kept.append("?")
print(" ".join(kept))
""",
        Verdict.PASSED,
        "CPU AS FSIZE NOFILE NPROC CORE",
    ),
    # ---- replacing what the harness uses
    "replacing os._exit": Hostile("import os\nos._exit = lambda status: None\nprint(3)", Verdict.PASSED, "3"),
    "replacing print": Hostile(
        "import builtins\nbuiltins.print = lambda *args, **kwargs: None\nprint(3)", Verdict.FAILED, "3", output=""
    ),
    "printing from atexit": Hostile("import atexit\natexit.register(print, 3)", Verdict.PASSED, "3"),
    "replacing sys.stdout": Hostile(
        "import io, sys\nsys.stdout = io.StringIO()\nprint(3)", Verdict.FAILED, "3", output=""
    ),
    "setting sys.stdout to None": Hostile("import sys\nsys.stdout = None\nprint(3)", Verdict.PASSED, ""),
    "replacing the harness's tools, then failing": Hostile(
        "import json, os, traceback\njson.dumps = os.write = traceback.format_exception_only = None\n"
        "raise ValueError('boom')",
        Verdict.ERROR,
        message="Test case 1: ValueError: boom (line 3)",
    ),
    "emptying sys.modules": Hostile("import sys\nsys.modules.clear()\nprint(3)", Verdict.PASSED, "3"),
}


@pytest.mark.parametrize("case", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_program_gets_its_verdict_and_harms_nothing(case: Hostile, host: Host) -> None:
    # Two cases: the second one shows the harness survived whatever the first one did.
    cases = [TestCase(input=case.stdin(host), expected=case.expected, visible=True)] * 2
    result = judge(JudgeRequest(code=case.code, cases=cases, limits=case.limits))
    assert result.verdict == case.verdict, result
    assert case.message in (result.message or ""), result.message
    first = result.cases[0]
    if case.output is not None:
        assert first.output == case.output
    if case.verdict is not Verdict.TIMEOUT:  # a timeout stops the run after its first case
        assert [c.verdict for c in result.cases] == [case.verdict] * 2
    assert len(first.output) <= case.limits.output_kb * 1024
    assert first.memory_kb <= case.limits.memory_mb * 1024
    assert "\0" not in first.output


def test_the_judge_works_normally_after_every_hostile_program(host: Host) -> None:
    result = judge(JudgeRequest("print(sum(map(int, input().split())))", [TestCase("2 3", "5")]))
    assert result.verdict == "passed"


# The fcntl and ioctl commands that would make the kernel signal another process (SIGIO to a chosen owner),
# as (syscall number on x86-64, command, what its third argument is). The kernel reads the command as 32 bits,
# so the same command with its upper 32 bits set must be denied as well as the plain one.
SIGNAL_OWNER_COMMANDS = {
    "fcntl F_SETOWN": (72, 8, "pid"),
    "fcntl F_SETSIG": (72, 10, "signal"),
    "fcntl F_SETOWN_EX": (72, 15, "owner"),
    "ioctl FIOSETOWN": (16, 0x8901, "pid pointer"),
    "ioctl SIOCSPGRP": (16, 0x8902, "pid pointer"),
}
SIGNAL_OWNER_CALL = """
import signal
read_end, write_end = os.pipe()
pid = ctypes.c_int(os.getppid())
owner = (ctypes.c_int * 2)(1, os.getppid())  # struct f_owner_ex: F_OWNER_PID, the harness
third = {
    "pid": os.getppid(), "signal": int(signal.SIGKILL),
    "owner": ctypes.addressof(owner), "pid pointer": ctypes.addressof(pid),
}[ARGUMENT]
for label, high in (("plain", 0), ("high bits", 1 << 32)):
    attempt(label, lambda: libc.syscall(*map(ctypes.c_long, (NUMBER, read_end, COMMAND | high, third))))
print(" ".join(out))
"""


@pytest.mark.parametrize(
    ("number", "command", "argument"), SIGNAL_OWNER_COMMANDS.values(), ids=SIGNAL_OWNER_COMMANDS.keys()
)
def test_a_signal_owner_command_is_denied_even_with_its_upper_bits_set(
    number: int, command: int, argument: str, host: Host
) -> None:
    code = CALLS + SIGNAL_OWNER_CALL.replace("NUMBER", str(number)).replace("COMMAND", str(command))
    code = code.replace("ARGUMENT", repr(argument))
    result = judge(JudgeRequest(code, [TestCase("", "plain:1 high bits:1", visible=True)], limits=FAST))
    assert (result.verdict, result.cases[0].output) == ("passed", "plain:1 high bits:1\n"), result
