"""The Azerbaijani catalogue translates every message the code marks, and its compiled .mo is up to date.

A message added without `make messages` would reach an Azerbaijani school in English; a fuzzy entry (gettext's
guess from a similar old message) would answer something else entirely.
"""

import ast
import gettext
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "locale" / "az" / "LC_MESSAGES" / "django.po"
TRANSLATORS = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
_ENTRY = re.compile(r'^(#, [^\n]*\n)?(?:#\|[^\n]*\n)*msgid ((?:"[^\n]*"\n)+)msgstr ((?:"[^\n]*"\n?)+)', re.M)


def _joined(quoted: str) -> str:
    return "".join(ast.literal_eval(line.strip()) for line in quoted.strip().splitlines())


def _live() -> str:
    """The catalogue without its obsolete (`#~`) entries."""
    return "\n".join(line for line in CATALOGUE.read_text().splitlines() if not line.startswith("#~")) + "\n"


def _entries() -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every live entry, the header left out."""
    live = _live()
    entries = [
        (_joined(match[2]), _joined(match[3]), bool(match[1] and "fuzzy" in match[1]))
        for match in _ENTRY.finditer(live)
    ]
    return [entry for entry in entries if entry[0]]


def _marked_messages() -> set[str]:
    """Every literal string the application code passes to a gettext function (tests excluded)."""
    messages = set()
    for path in (ROOT / "bekrin").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATORS):
                continue
            literal = node.args[-1] if node.func.id.startswith("pgettext") and node.args else None
            literal = literal or (node.args[0] if node.args else None)
            if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                messages.add(literal.value)
    return messages


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = _entries()
    assert len(entries) > 100
    assert [msgid for msgid, msgstr, fuzzy in entries if fuzzy or not msgstr] == []
    assert re.findall(r'^msgstr\[\d+\] ""$', _live(), re.M) == [], "a plural form is not translated"
    assert re.findall(r"^#,.*\bfuzzy\b.*\n(?:#.*\n)*msgid (.*)", _live(), re.M) == [], "a fuzzy entry (plurals too)"


def test_every_marked_message_is_in_the_catalogue():
    missing = _marked_messages() - {msgid for msgid, _msgstr, _fuzzy in _entries()}
    assert sorted(missing) == [], "run `make messages` and translate the new entries"


def test_the_compiled_catalogue_matches_its_source():
    with (CATALOGUE.with_suffix(".mo")).open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    stale = [msgid for msgid, msgstr, _fuzzy in _entries() if translations.gettext(msgid) != msgstr]
    assert stale == [], "run `make messages` (compilemessages) after editing django.po"
