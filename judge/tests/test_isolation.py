"""One test case's data never reaches another: not on disk, not in memory, not through a descriptor.

Each case's input carries a marker, and so does each expected output. A program searches for all of them; the
expected outputs are never sent into the sandbox, and a case must find its own input's marker (which shows the
search works) and nothing else. The program knows the markers only shifted by one byte value, so that its own
code and search needles never match: it shifts what it reads the same way before comparing.
"""

import os

from judge import JudgeRequest, Limits, TestCase, judge

ROUNDS = 3
INPUTS = [f"INPUT-MARKER-{n}-q7Zx" for n in range(ROUNDS)]
EXPECTED = [f"EXPECTED-MARKER-{n}-k3Wv" for n in range(ROUNDS)]
ROOMY = Limits(cpu_ms=5000, wall_ms=10000)


def _shifted(marker: str) -> str:
    return bytes((byte + 1) % 256 for byte in marker.encode()).hex()


MARKERS = {**{f"input-{n}": m for n, m in enumerate(INPUTS)}, **{f"expected-{n}": m for n, m in enumerate(EXPECTED)}}
NEEDLES = f"NEEDLES = {{{', '.join(f'{name!r}: bytes.fromhex({_shifted(m)!r})' for name, m in MARKERS.items())}}}\n"
SHIFT = "SHIFT = bytes((value + 1) % 256 for value in range(256))\n"

# Reads every page around every object it can name (all gc-tracked objects, the malloc heap, libc's data),
# through a pipe so that an unmapped page is an EFAULT rather than a crash.
MEMORY_SCAN = (
    NEEDLES
    + SHIFT
    + """
import ctypes, gc, os
own = input()
libc = ctypes.CDLL(None)
libc.sbrk.restype = ctypes.c_void_p
libc.malloc.restype = ctypes.c_void_p
PAGE = 4096
LIMIT = 1 << 17  # pages: 512 MB, more than the address space limit
read_end, write_end = os.pipe()

def page(address):
    try:
        os.write(write_end, (ctypes.c_char * PAGE).from_address(address))
    except OSError:
        return None
    return os.read(read_end, PAGE)

anchors = {id(obj) for obj in gc.get_objects()} | {id(own), libc.sbrk(0) - 1, libc.malloc(16)}
anchors.add(ctypes.addressof(ctypes.c_int.in_dll(libc, "optind")))
seen, found = set(), set()
for anchor in sorted(anchors):
    start = anchor - anchor % PAGE
    for step in (PAGE, -PAGE):
        address, previous = start if step > 0 else start - PAGE, b""
        while address not in seen and len(seen) < LIMIT:
            data = page(address)
            if data is None:
                break
            seen.add(address)
            shifted = (previous[-64:] + data if step > 0 else data + previous[:64]).translate(SHIFT)
            found.update(name for name, needle in NEEDLES.items() if needle in shifted)
            previous, address = data, address + step
print(len(seen) > 1000, sorted(found))
"""
)

# Walks the objects Python can reach: every gc-tracked container, every frame (the harness's included), their
# locals and globals, and inspect's view of the stack.
OBJECT_SCAN = (
    NEEDLES
    + SHIFT
    + """
import gc, inspect, sys
own = input()
found = set()
def look(value):
    if isinstance(value, str):
        value = value.encode("utf-8", "surrogatepass")
    if isinstance(value, (bytes, bytearray, memoryview)):
        shifted = bytes(value).translate(SHIFT)
        found.update(name for name, needle in NEEDLES.items() if needle in shifted)
containers = gc.get_objects()
frame = sys._getframe()
while frame is not None:
    containers += [frame.f_locals, frame.f_globals]
    frame = frame.f_back
containers += [info.frame.f_locals for info in inspect.stack()]
containers += [vars(module) for module in list(sys.modules.values())]
for container in containers:
    items = container.items() if isinstance(container, dict) else container
    try:
        for item in items:
            for value in item if isinstance(item, tuple) else (item,):
                look(value)
    except Exception:
        pass
print(sorted(found))
"""
)

# Every open descriptor, and everything each one can read.
DESCRIPTOR_SCAN = (
    NEEDLES
    + SHIFT
    + """
import os
own = input()
open_fds, found = [], set()
for fd in range(4096):
    try:
        os.fstat(fd)
    except OSError:
        continue
    open_fds.append(fd)
    try:
        data = os.pread(fd, 1 << 20, 0).translate(SHIFT)
    except OSError:
        continue
    found.update(name for name, needle in NEEDLES.items() if needle in data)
print(open_fds, sorted(found))
"""
)


def _judge_rounds(code: str) -> list[str]:
    cases = [TestCase(input=INPUTS[n] + "\n", expected=EXPECTED[n]) for n in range(ROUNDS)]
    result = judge(JudgeRequest(code=code, cases=cases, limits=ROOMY))
    assert [case.verdict for case in result.cases] == ["failed"] * ROUNDS, result
    return [case.output for case in result.cases]


def test_no_case_finds_another_case_in_memory() -> None:
    assert _judge_rounds(MEMORY_SCAN) == [f"True ['input-{n}']\n" for n in range(ROUNDS)]


def test_no_case_finds_another_case_among_python_objects_and_frames() -> None:
    assert _judge_rounds(OBJECT_SCAN) == [f"['input-{n}']\n" for n in range(ROUNDS)]


def test_a_case_holds_only_its_own_four_descriptors() -> None:
    assert _judge_rounds(DESCRIPTOR_SCAN) == [f"[0, 1, 2, 3] ['input-{n}']\n" for n in range(ROUNDS)]


def test_a_case_finds_nothing_on_disk() -> None:
    code = """
import os
found = []
for top in ("/dev", "/"):
    for name in os.listdir(top):
        path = os.path.join(top, name)
        if os.path.isfile(path) and not os.path.islink(path):
            found.append(path)
print(found)
"""
    assert _judge_rounds(code) == ["[]\n"] * ROUNDS


def test_a_case_sees_only_what_the_interpreter_needs_under_usr() -> None:
    """Nothing of /usr/local or /usr/share, no other program, only the interpreter's own
    libraries. The host's /usr/local/bin and /usr/local/lib exist and hold files, so nothing here is vacuous."""
    local_file = next(os.scandir("/usr/local/bin")).path
    assert os.listdir("/usr/local/lib") and os.path.exists(local_file) and os.path.exists("/usr/share/doc")
    code = f"""
import os
def entries(path):
    try:
        return sorted(os.listdir(path))
    except OSError as exc:
        return type(exc).__name__
def opened(path):
    try:
        open(path, "rb").close()
    except OSError as exc:
        return type(exc).__name__
    return "opened"
print(entries("/usr"), entries("/usr/bin"), entries("/usr/local/bin"), entries("/usr/local/lib"))
print(opened({local_file!r}), opened("/usr/share/doc"), opened("/usr/bin/env"), opened("/usr/lib/os-release"))
print(sorted(name for name in os.listdir("/usr/lib") if not name.startswith("python3")))
"""
    python = os.path.basename(os.path.realpath("/usr/bin/python3"))
    output = judge(JudgeRequest(code, [TestCase("", "")])).cases[0].output.splitlines()
    assert output[0] == (f"['bin', 'lib', 'lib64'] {sorted(['python3', python])} FileNotFoundError FileNotFoundError")
    assert output[1] == "FileNotFoundError FileNotFoundError FileNotFoundError FileNotFoundError"
    libraries = ["x86_64-linux-gnu", *(["locale"] if os.path.isdir("/usr/lib/locale/C.utf8") else [])]
    assert output[2] == str(sorted(libraries))  # the libraries and the C.UTF-8 locale, nothing else of /usr/lib
