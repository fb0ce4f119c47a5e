"""A CSV file as spreadsheets save it, turned into a header and numbered rows of trimmed cells.

Accepted: UTF-8 with or without a byte-order mark ("CSV UTF-8" in Excel), UTF-16 with one ("Unicode text"); comma,
semicolon (Excel in locales with a decimal comma, such as az, ru and tr) or tab, detected from the header; Excel's
optional first line `sep=;`. Rows are numbered as a spreadsheet shows them: the header is row 1. Blank rows (Excel
leaves `;;;;` lines behind) are skipped.
"""

import codecs
import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bekrin.core.errors import DomainError, ErrorCode, PayloadTooLarge

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
DELIMITERS = (",", ";", "\t")
_SEP_LINE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)


class UnreadableFile(DomainError):
    code = ErrorCode.INVALID_FILE


@dataclass(frozen=True)
class Table:
    header: list[str]  # normalized column names: trimmed, lower case, spaces and hyphens as "_"
    rows: list[tuple[int, list[str]]]  # (row number, trimmed cells padded to the header's length)
    extra_cells: list[int]  # numbers of rows with more cells than the header has columns


def decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"  # the codec reads the mark to pick the byte order, and drops it
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("The file is not UTF-8 or UTF-16 text; save it as “CSV UTF-8”.")) from error
    if "\x00" in text:  # UTF-16 without a byte-order mark decodes as UTF-8 full of NULs
        raise UnreadableFile(_("The file is not UTF-8 or UTF-16 text; save it as “CSV UTF-8”."))
    return text


# Spellings spreadsheets commonly use for a column, by their normalized form.
_ALIASES = {"e_mail": "email"}


def column_name(cell: str) -> str:
    name = re.sub(r"[\s-]+", "_", cell.strip().lower())
    return _ALIASES.get(name, name)


def _header_cells(line: str, delimiter: str) -> list[str]:
    return [column_name(cell) for cell in next(csv.reader([line], delimiter=delimiter), [])]


def detect_delimiter(first_line: str, known_columns: Collection[str]) -> str:
    """The delimiter under which the header names the most known columns (ties: the most cells, then , ; tab)."""
    return max(
        DELIMITERS,
        key=lambda delimiter: (
            sum(name in known_columns for name in _header_cells(first_line, delimiter)),
            len(_header_cells(first_line, delimiter)),
            -DELIMITERS.index(delimiter),
        ),
    )


def read_table(data: bytes, known_columns: Collection[str]) -> Table:
    """The header and the non-blank rows; 413 beyond MAX_BYTES or MAX_ROWS rows, 400 for a file that is no text."""
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge(_("The file is larger than 5 MB."))
    text = decode(data)
    delimiter = None
    sep_line = _SEP_LINE.match(text)
    if sep_line:
        delimiter, text = sep_line.group(1), text[sep_line.end() :]
    if not text.strip():
        raise UnreadableFile(_("The file is empty."))
    if delimiter is None:
        delimiter = detect_delimiter(text.splitlines()[0], known_columns)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [column_name(cell) for cell in next(reader)]
        rows: list[tuple[int, list[str]]] = []
        extra: list[int] = []
        for number, cells in enumerate(reader, start=2):
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            if len(rows) == MAX_ROWS:
                raise PayloadTooLarge(_("The file has more than 10,000 rows."))
            if len(cells) > len(header) and any(cells[len(header) :]):
                extra.append(number)
            rows.append((number, (cells + [""] * len(header))[: len(header)]))
    except csv.Error as error:
        message = _("The file is not valid CSV near row %(row)d.") % {"row": reader.line_num}
        raise UnreadableFile(message) from error
    return Table(header=header, rows=rows, extra_cells=extra)
