"""Spreadsheet-safe text: a value that a spreadsheet program would run as a formula is
kept as text, in the workbooks (a text cell) and in every CSV or text table we write (a
leading apostrophe, the convention spreadsheet programs themselves use); and the large
CSV tables written that way (:func:`safe_csv`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from openpyxl.cell.cell import Cell

#: Cell values starting with these would be run as formulas by a spreadsheet program.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A quote followed by a formula character: in a CSV written with every field quoted (the
#: unix dialect), where it opens a field (at the start, or after a comma or a line break),
#: that field starts like a formula. A quote inside a field is always doubled, so one
#: there is followed by another quote or preceded by one.
_QUOTED_FORMULA = re.compile(r'"[=+\-@\t\r]')


def formula_like(value: Any) -> bool:
    """Whether a spreadsheet program would take ``value`` for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def safe_text(value: str | None) -> str | None:
    """``value`` for a CSV or text table: a formula-like one gets a leading apostrophe
    (``'=HYPERLINK(…)``), so that opening the file never runs it."""
    if value is not None and formula_like(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """:func:`safe_text` of every value of a row (text, ``None`` or else; one call a row,
    for the large tables)."""
    return ["'" + value if isinstance(value, str) and value.startswith(FORMULA_START)
            else value for value in values]


def set_safe(cell: Cell, value: Any) -> None:
    """Store ``value`` in ``cell``; a string that could be a formula is stored as text."""
    cell.value = value
    if formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def safe_csv(rows: Iterable[Sequence[Any]], size: int = 1000) -> Iterator[bytes]:
    """CSV as zavod writes it (unix dialect: every field quoted, ``\\n`` line ends), UTF-8,
    in pieces of ``size`` rows, every value as :func:`safe_row` makes it.

    Each piece is written as it is and looked at once for a field that starts like a
    formula; only a piece that has one is written again through :func:`safe_row` (a large
    table's values are millions, and almost none is formula-like)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=csv.unix_dialect)
    items = iter(rows)
    while piece := list(islice(items, size)):
        writer.writerows(piece)
        if _formula_field(buffer.getvalue()):
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(safe_row(row) for row in piece)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def _formula_field(text: str) -> bool:
    """Whether CSV ``text`` (every field quoted) has a field that starts like a formula."""
    return any(found.start() == 0 or text[found.start() - 1] in ",\n"
               for found in _QUOTED_FORMULA.finditer(text))
