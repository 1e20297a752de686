"""Spreadsheet-safe text: a value that a spreadsheet program would run as a formula is
kept as text, in the workbooks (a text cell) and in every CSV or text table we write (a
leading apostrophe, the convention spreadsheet programs themselves use)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell

#: Cell values starting with these would be run as formulas by a spreadsheet program.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
