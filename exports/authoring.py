"""The authoring workbook: the template advocates fill in, and the case written back
in the same shape (``dossier export --format authoring-xlsx``) for editing and
re-import."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from followthemoney.types import registry
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from entities.case import vocab
from entities.case.case import Case
from entities.files import atomic_file
from entities.intake.tabular import SECTION_OF, SHEETS, Column, encode
from exports.cells import set_safe

if TYPE_CHECKING:
    from evidence_maps.view import CaseView

TEMPLATE_ROWS = 500
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_REQUIRED_FILL = PatternFill("solid", fgColor="F6D7A7")
_WIDTHS = {"names": 40, "title": 40, "description": 60, "excerpt": 60, "translation": 60,
           "identifiers": 30, "addresses": 30, "notes": 30, "note": 30, "url": 35,
           "archive_url": 35, "locator": 20}
_WRAP = Alignment(wrap_text=True, vertical="top")

INSTRUCTIONS = """\
How to fill in this workbook

1. Each sheet holds one kind of record: People, Organisations, Positions, Tenures, \
Sources, Evidence, Incidents, Attributions. One row is one record.
2. Every record needs an id (letters, digits, - _ .), unique in the whole case. Other \
sheets refer to records by these ids (e.g. an attribution's actor is a person's or \
organisation's id).
3. Orange headers are required. Hover over a header to see what it means, with an example.
4. Several values in one cell: names, identifiers and addresses one per line \
(Alt+Enter in Excel, Ctrl+Enter in LibreOffice); ids and codes separated by ;
5. Names: add the language and, if needed, the kind of name in brackets: \
"Марат Бекетаев [ru]", "M. Beketayev [en, weak_alias]".
6. Dates: YYYY-MM-DD. For a partial date type it as text, with an apostrophe: '2020-04 or '2020.
7. Drop-down lists offer the allowed values (violation types, modes of responsibility, \
reliability A–F, credibility 1–6, sensitivity, evidence types, countries).
8. Import with:  dossier import CASE-FOLDER THIS-FILE.xlsx
   Problems are listed as file:Sheet!row: column: message, and nothing is imported until \
all are fixed. Importing the same file again only applies what changed.
"""

_LISTS = {
    "countries": sorted(code.upper() for code in registry.country.names if len(code) == 2),
    "reliability": list(vocab.terms("reliability")),
    "credibility": list(vocab.terms("credibility")),
}


def _list_values(name: str) -> list[str]:
    return _LISTS.get(name) or list(vocab.terms(name))


def _lists_sheet(book: Workbook) -> dict[str, str]:
    sheet = book.create_sheet("Lists")
    sheet.sheet_state = "hidden"
    ranges = {}
    names = sorted({c.vocab for cols in SHEETS.values() for c in cols if c.vocab})
    for index, name in enumerate(names, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=name)
        values = _list_values(name)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value)
        ranges[name] = f"{quote_sheetname('Lists')}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _header(sheet: Worksheet, columns: list[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.field)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        text = column.help + (" Required." if column.required else "")
        if column.example:
            text += f"\nExample: {column.example}"
        cell.comment = Comment(text, "dossier", width=320, height=140)
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(column.field, 16)
    sheet.freeze_panes = "A2"


def _validations(sheet: Worksheet, columns: list[Column], ranges: dict[str, str],
                 last_row: int) -> None:
    for index, column in enumerate(columns, start=1):
        if column.vocab is None:
            continue
        multiple = column.codec == "codes"
        rule = DataValidation(type="list", formula1=ranges[column.vocab], allow_blank=True,
                              showErrorMessage=not multiple, errorStyle="stop")
        rule.error = f"Choose a value from the list for {column.field}."
        rule.prompt = "Several values: separate them with ;" if multiple else None
        letter = get_column_letter(index)
        rule.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(rule)


def build_workbook(case: Case | None = None) -> Workbook:
    """The authoring workbook, empty (template) or filled with ``case``."""
    book = Workbook()
    intro = book.active
    intro.title = "Instructions"
    for row, line in enumerate(INSTRUCTIONS.splitlines(), start=1):
        intro.cell(row=row, column=1, value=line).alignment = Alignment(wrap_text=True)
    intro.column_dimensions["A"].width = 120
    intro["A1"].font = Font(bold=True, size=14)
    ranges = _lists_sheet(book)
    for name, columns in SHEETS.items():
        sheet = book.create_sheet(name, index=len(book.sheetnames) - 1)
        _header(sheet, columns)
        records = list(getattr(case, SECTION_OF[name])) if case is not None else []
        for row, record in enumerate(records, start=2):
            lines = 1
            for index, column in enumerate(columns, start=1):
                cell = sheet.cell(row=row, column=index)
                value = encode(column, record)
                set_safe(cell, value)
                cell.alignment = _WRAP
                if isinstance(value, str):
                    width = _WIDTHS.get(column.field, 16)
                    lines = max(lines, sum(1 + len(part) // width
                                           for part in value.split("\n")))
            sheet.row_dimensions[row].height = 15 * min(lines, 12)
        last_row = max(TEMPLATE_ROWS, len(records) + 100)
        _validations(sheet, columns, ranges, last_row)
        for index, column in enumerate(columns, start=1):
            if column.codec == "date":
                for row in range(2, last_row + 1):
                    sheet.cell(row=row, column=index).number_format = "yyyy-mm-dd"
    return book


def write_authoring_workbook(path: Path, case: Case | None = None) -> Path:
    """Write the authoring workbook to ``path`` atomically (empty: the template)."""
    buffer = io.BytesIO()
    build_workbook(case).save(buffer)
    with atomic_file(path) as fh:
        fh.write(buffer.getvalue())
    return path


def write(view: CaseView, path: Path, lang: str = "en") -> int:
    """The exporter ``authoring-xlsx``: the whole case (every record, whatever the view's
    audience: it is for the case's editors); returns the number of records."""
    write_authoring_workbook(path, view.case)
    return sum(1 for _ in view.case.records())
