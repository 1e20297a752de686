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
from entities.intake.tabular import SECTION_OF, SHEETS, Column, encode, labelled
from exports.cells import set_safe

if TYPE_CHECKING:
    from evidence_maps.view import CaseView

TEMPLATE_ROWS = 500
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_REQUIRED_FILL = PatternFill("solid", fgColor="F6D7A7")
_WIDTHS = {"names": 40, "title": 40, "description": 60, "excerpt": 60, "translation": 60,
           "identifiers": 30, "addresses": 30, "notes": 30, "note": 30, "url": 35,
           "archive_url": 35, "locator": 20, "collection": 45}
_WRAP = Alignment(wrap_text=True, vertical="top")

INSTRUCTIONS = """\
How to fill in this workbook

1. Each sheet holds one kind of record: People, Organisations, Positions, Tenures, \
Relations (ownership, directorships, employment), Sources, Evidence, Incidents, \
Attributions. One row is one record.
2. Every record needs an id (letters, digits, - _ .), unique in the whole case. Other \
sheets refer to records by these ids (e.g. an attribution's actor is a person's or \
organisation's id).
3. Orange headers are required. Hover over a header to see what it means, with an example.
4. Several values in one cell: names, identifiers and addresses one per line \
(Alt+Enter in Excel, Ctrl+Enter in LibreOffice); ids and codes separated by ;
5. Names: add the language and, if needed, the kind of name in brackets: \
"Марат Бекетаев [ru]", "M. Beketayev [en, weak_alias]".
6. Dates: YYYY-MM-DD, or as much of it as you know: YYYY-MM or YYYY. Date columns are \
text columns, so 1971-03 stays 1971-03 (it is not turned into a day).
7. Drop-down lists offer the allowed values with their meaning (violation types, modes \
of responsibility, reliability A–F, credibility 1–6, sensitivity, evidence types, \
countries): "torture — Torture or cruel, …". Only the code before the dash is read, so \
typing the code alone works too.
8. Import with:  dossier import CASE-FOLDER THIS-FILE.xlsx
   Problems are listed as file:Sheet!row: column: message, and nothing is imported until \
all are fixed. Importing the same file again only applies what changed.
"""

_LISTS = {
    "countries": sorted(code.upper() for code in registry.country.names if len(code) == 2),
}
#: points per line of the default font, for row heights of wrapped text
LINE_POINTS = 15


def _print_setup(sheet: Worksheet) -> None:
    """A4 landscape, fitted to the page width, header row repeated, gridlines."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4


def _lines(text: str, width: float) -> int:
    room = max(1.0, width * 0.8 - 1)
    return sum(max(1, -(-len(part) // int(room))) for part in text.split("\n"))


def _list_values(name: str) -> list[str]:
    """A drop-down list: codes with their labels (countries: the codes)."""
    return _LISTS.get(name) or [labelled(name, code) for code in vocab.terms(name)]


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
        intro.cell(row=row, column=1, value=line).alignment = _WRAP
        intro.row_dimensions[row].height = LINE_POINTS * _lines(line, 100) + 2
    intro.column_dimensions["A"].width = 100
    intro["A1"].font = Font(bold=True, size=14)
    intro.row_dimensions[1].height = 24
    _print_setup(intro)
    intro.print_title_rows = None
    ranges = _lists_sheet(book)
    for name, columns in SHEETS.items():
        sheet = book.create_sheet(name, index=len(book.sheetnames) - 1)
        _header(sheet, columns)
        _print_setup(sheet)
        sheet.print_title_rows = "1:1"
        records = list(getattr(case, SECTION_OF[name])) if case is not None else []
        last_row = max(TEMPLATE_ROWS, len(records) + 100)
        for index, column in enumerate(columns, start=1):
            if column.codec == "date":  # text: what is typed stays as typed
                for row in range(2, last_row + 1):
                    sheet.cell(row=row, column=index).number_format = "@"
        for row, record in enumerate(records, start=2):
            lines = 1
            for index, column in enumerate(columns, start=1):
                cell = sheet.cell(row=row, column=index)
                value = encode(column, record)
                set_safe(cell, value)
                if column.codec == "date" and value is not None:
                    cell.data_type = "s"
                cell.alignment = _WRAP
                if isinstance(value, str):
                    lines = max(lines, _lines(value, _WIDTHS.get(column.field, 16)))
            sheet.row_dimensions[row].height = LINE_POINTS * min(lines, 30) + 2
        _validations(sheet, columns, ranges, last_row)
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
