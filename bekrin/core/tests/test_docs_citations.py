"""Comments cite the contract in the repo (docs/README.md), so a new contributor can open what they cite.

Every `docs/...` path named in the tree exists, and so does its `#anchor` (a heading's GitHub anchor, or a
`<a id>`); a decision is cited with docs/DECISIONS.md in the same comment or string and exists there; the contract's
files are named by their docs/ path, never bare (`API.md`), and nothing points at a folder outside the repo.
"""

import io
import re
import tokenize
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DECISIONS = ROOT / "docs" / "DECISIONS.md"
SCANNED_FOLDERS = ("bekrin", "config", "judge", "bench", "scripts", ".ci")
SCANNED_FILES = ("README.md", "Makefile", "pyproject.toml", "conftest.py", "manage.py")
TEXT_SUFFIXES = {"", ".py", ".md", ".sh", ".toml", ".cfg", ".ini", ".txt", ".html", ".js", ".css", ".yml", ".yaml"}
# This file's own examples of bad citations are there on purpose.
THIS_FILE = Path(__file__).resolve()

DOCS_PATH = re.compile(r"(?<![\w/.-])docs/([\w./-]*\w)(?:#([\w-]+))?")
CONTRACT_FILE = re.compile(r"(?<![\w./-])([\w./-]*?)\b(API|JUDGE|WEB|DECISIONS|SEED|EXTENSIONS)\.md")
DECISION = re.compile(r"\bdecisions? (\d+(?:(?:, | and | or )\d+)*)", re.IGNORECASE)
# The project's folders beside the repo, and its issue tracker.
OUTSIDE = re.compile(r"/work/shared|\bthe spec\b|\bspec/|\bissues? \d+", re.IGNORECASE)
HEADING = re.compile(r"^#+\s+(.+?)\s*$", re.MULTILINE)
HTML_ID = re.compile(r"""<a\s+(?:id|name)=["']([\w-]+)["']""")


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@cache
def anchors(path: Path) -> frozenset[str]:
    text = path.read_text(encoding="utf-8")
    return frozenset({github_anchor(heading) for heading in HEADING.findall(text)} | set(HTML_ID.findall(text)))


def problems(text: str) -> list[str]:
    """What is wrong with the citations in one comment, string or line (whitespace and line breaks ignored)."""
    text = " ".join(text.split())
    found = []
    for match in DOCS_PATH.finditer(text):
        relative, anchor = match[1], match[2]
        target = ROOT / "docs" / relative
        if not target.is_file():
            found.append(f"docs/{relative} does not exist")
        elif anchor and (target.suffix != ".md" or anchor not in anchors(target)):
            found.append(f"docs/{relative} has no #{anchor}")
    # A string that is one word is a file name in code (`SCHEMA_DOCS / "EXTENSIONS.md"`), not a citation.
    for match in CONTRACT_FILE.finditer(text if " " in text else ""):
        if not re.search(r"(?:^|/)docs/(?:schema/)?$", match[1]):
            found.append(f"{match[0]} is not cited by its docs/ path")
    for match in DECISION.finditer(text):
        if "docs/DECISIONS.md" not in text:
            found.append(f"{match[0]!r} without docs/DECISIONS.md")
        for number in re.findall(r"\d+", match[1]):
            if f"decision-{number}" not in anchors(DECISIONS):
                found.append(f"decision {number} is not in docs/DECISIONS.md")
    found += [f"{match[0]!r} points outside the repo" for match in OUTSIDE.finditer(text)]
    return found


def python_texts(source: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every string and every block of comments on consecutive lines."""
    block: list[str] = []
    block_start = block_end = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            if block and token.start[0] != block_end + 1:
                yield block_start, " ".join(block)
                block = []
            if not block:
                block_start = token.start[0]
            block.append(token.string.lstrip("#"))
            block_end = token.start[0]
        elif token.type == tokenize.STRING or token.type == getattr(tokenize, "FSTRING_MIDDLE", None):
            yield token.start[0], token.string
    if block:
        yield block_start, " ".join(block)


def texts(path: Path) -> Iterator[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        yield from python_texts(source)
    else:
        yield from enumerate(source.splitlines(), start=1)


def scanned_files() -> Iterator[Path]:
    for name in SCANNED_FILES:
        yield ROOT / name
    for folder in SCANNED_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts:
                yield path


def test_every_citation_in_the_tree_points_at_the_contract_in_docs():
    files = [path for path in scanned_files() if path.resolve() != THIS_FILE]
    found = [
        f"{path.relative_to(ROOT)}:{line}: {problem}"
        for path in files
        for line, text in texts(path)
        for problem in problems(text)
    ]
    assert found == []
    assert len(files) > 150  # the walk reaches the tree


def test_the_tree_cites_the_contract():
    cited = {match[0] for path in scanned_files() for _, text in texts(path) for match in DOCS_PATH.finditer(text)}
    assert {"docs/DECISIONS.md", "docs/API.md#attendance", "docs/JUDGE.md", "docs/schema/erd.json"} <= cited


@pytest.mark.parametrize(
    "text",
    [
        "see docs/API.md#attendance for the shape",
        "(docs/DECISIONS.md, decision 8)",
        "Decision 13 (docs/DECISIONS.md): hidden cases",
        "the tables docs/schema/EXTENSIONS.md lists",
        "(docs/JUDGE.md's list)",
        "[decision 14](docs/DECISIONS.md#decision-14)",
        "/ the (docs/DECISIONS.md,\n    # decision 4)",
        'f"{REPO}/docs/API.md"',
        '"EXTENSIONS.md"',  # a file name in code: SCHEMA_DOCS / "EXTENSIONS.md"
    ],
)
def test_a_citation_of_the_contract_in_the_repo_passes(text):
    assert problems(text) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("soft delete (decision 8)", "'decision 8' without docs/DECISIONS.md"),
        ("see API.md for the shape", "API.md is not cited by its docs/ path"),
        ("Design and threat list: JUDGE.md.", "JUDGE.md is not cited by its docs/ path"),
        ("the tables EXTENSIONS.md lists", "EXTENSIONS.md is not cited by its docs/ path"),
        ("see docs/CONTRACT.md", "docs/CONTRACT.md does not exist"),
        ("see docs/API.md#invoices", "docs/API.md has no #invoices"),
        ("(docs/DECISIONS.md, decision 15)", "decision 15 is not in docs/DECISIONS.md"),
        ('"/work/shared/spec/API.md"', "'/work/shared' points outside the repo"),
        ("the copy of /work/shared/spec/API.md", "/work/shared/spec/API.md is not cited by its docs/ path"),
        ("decision 14 of the spec", "'decision 14' without docs/DECISIONS.md"),
        ("Reusable by bulk import (issue 5).", "'issue 5' points outside the repo"),
    ],
)
def test_a_citation_that_cannot_be_opened_is_reported(text, problem):
    assert problem in problems(text)


def test_every_decision_has_its_anchor():
    assert {f"decision-{number}" for number in range(1, 15)} <= anchors(DECISIONS)
