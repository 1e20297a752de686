"""Safe spreadsheet cells: text that looks like a formula stays text."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment

#: Cell values starting with these would be run as formulas by a spreadsheet program.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_QUOTED = Alignment(wrap_text=True)


def set_safe(cell: Cell, value: Any) -> None:
    """Store ``value`` in ``cell``; a string that could be a formula is stored as text."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
