"""Read spreadsheet rows (XLSX with openpyxl, CSV with pandas) into case records.

Every problem is collected and located as ``file:Sheet!row: field: message``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from entities.case.messages import describe, error_paths
from entities.case.model import SECTIONS, Record
from entities.case.yamlsrc import format_path
from entities.exc import InvalidCase, Problem
from entities.intake.tabular import SECTION_OF, SHEETS, Column, decode, sheet_for

MAX_SHEET_BYTES = 200 * 1024 * 1024
#: A workbook may unpack to at most this, and a part of over 10 MB may be compressed at
#: most MAX_RATIO times (ordinary sheets compress 5-20 times).
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200
IGNORED_SHEETS = {"instructions", "lists", "инструкция"}
#: What openpyxl raises on a damaged or malformed workbook (a broken zip, a missing or
#: malformed XML part — ParseError and lxml's XMLSyntaxError are SyntaxErrors —, an
#: unexpected value where it expects another).
READ_ERRORS = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError,
               SyntaxError, TypeError, AttributeError, IndexError, EOFError)


@dataclass
class SheetData:
    """The rows of one sheet: header plus (row number, cells)."""

    file: str
    sheet: str
    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


@dataclass
class ReadResult:
    """Records read from a file, by section, plus what was ignored."""

    records: dict[str, list[Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    ignored_sheets: list[str] = field(default_factory=list)


def _header(cells: Iterable[Any]) -> list[str]:
    return [str(c).strip().lower().replace(" ", "_") if c is not None else "" for c in cells]


def _check_parts(path: Path, label: str) -> None:
    """Refuse, before any XML of it is parsed, a workbook that unpacks to more than
    MAX_UNPACKED_BYTES or whose parts are compressed suspiciously well (a "zip bomb"),
    one whose XML declares a DTD (entities that could expand without end or read other
    files), and one that links to other files (its cells would hold copies of values
    from files nobody imported)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            worst = max((i.file_size / max(i.compress_size, 1) for i in infos), default=0)
            if total > MAX_UNPACKED_BYTES or (total > 10 * 1024 * 1024 and worst > MAX_RATIO):
                raise InvalidCase([Problem(label, 0, "", (
                    f"unpacks to {total // 1_048_576} MB (compressed up to {worst:.0f} "
                    "times); that is too large or not a normal workbook, so it was not "
                    "opened"))])
            for info in infos:
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as part:
                        head = part.read(4096).lower()
                    if b"<!doctype" in head or b"<!entity" in head:
                        raise InvalidCase([Problem(label, 0, "", (
                            f"its part {info.filename} declares a DTD, which workbooks "
                            "saved by Excel or LibreOffice never do; it was not opened"))])
            links = [i.filename for i in infos if i.filename.startswith("xl/externalLinks/")
                     and i.filename.endswith(".xml")]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return  # reported as unreadable below
    if links:
        raise InvalidCase([Problem(label, 0, "", (
            f"links to other files ({len(links)} external link(s)); the values it shows "
            "from them are copies that were not imported: replace the links by their "
            "values (copy, then paste values only), save, and import again"))])


def read_xlsx(path: Path, label: str) -> tuple[list[SheetData], list[str]]:
    """Sheets of an XLSX workbook that match a record kind, and the names of the others."""
    if path.stat().st_size > MAX_SHEET_BYTES:
        raise InvalidCase([Problem(label, 0, "", "is too large to import (over 200 MB)")])
    _check_parts(path, label)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except READ_ERRORS as exc:
        raise InvalidCase([Problem(label, 0, "", "is not a readable .xlsx workbook "
                                   f"({type(exc).__name__}); save it again as .xlsx")]) from None
    sheets, ignored = [], []
    try:
        for ws in book.worksheets:
            name = sheet_for(ws.title)
            if name is None:
                if ws.title.strip().lower() not in IGNORED_SHEETS:
                    ignored.append(ws.title)
                continue
            rows = ws.iter_rows(values_only=True)
            first = next(rows, None)
            data = SheetData(label, name, _header(first or []))
            for number, row in enumerate(rows, start=2):
                if any(cell not in (None, "") for cell in row):
                    data.rows.append((number, list(row)))
            sheets.append(data)
    except READ_ERRORS as exc:
        raise InvalidCase([Problem(label, 0, "", "could not be read to the end "
                                   f"({type(exc).__name__}); it may be damaged")]) from None
    finally:
        book.close()
    return sheets, ignored


def decode_csv(raw: bytes) -> str:
    """Text of a CSV file in UTF-8 (with or without BOM) or Windows-1251."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


def read_csv(path: Path, label: str, kind: str | None) -> SheetData:
    """One CSV file as the sheet ``kind`` (default: from the file name, e.g. people.csv)."""
    sheet = sheet_for(kind or path.stem)
    if sheet is None:
        raise InvalidCase([Problem(label, 0, "", "cannot tell which kind of record this CSV "
                                   "holds; name it after a sheet (people.csv, evidence.csv, …) "
                                   "or pass --kind")])
    if path.stat().st_size > MAX_SHEET_BYTES:
        raise InvalidCase([Problem(label, 0, "", "is too large to import (over 200 MB)")])
    text = decode_csv(path.read_bytes())
    if not text.strip():
        raise InvalidCase([Problem(label, 0, "", "is empty: a CSV file to import starts with "
                                   "a header row (id,names,…)")])
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None,
                            engine="python")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError, csv.Error) as exc:
        raise InvalidCase([Problem(label, 0, "", f"is not a readable CSV file ({exc})")]) \
            from None
    data = SheetData(label, sheet, _header(frame.columns))
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        if any(str(v).strip() for v in values):
            data.rows.append((index + 2, list(values)))
    return data


def _columns(data: SheetData, problems: list[Problem]) -> dict[int, Column]:
    known = {c.field: c for c in SHEETS[data.sheet]}
    columns: dict[int, Column] = {}
    where = f"{data.file}:{data.sheet}!1"
    for index, name in enumerate(data.header):
        if not name:
            continue
        if name not in known:
            problems.append(Problem(where, 0, name, "is not a known column of this sheet; "
                                    f"the columns are: {', '.join(known)}"))
        elif name in (c.field for c in columns.values()):
            problems.append(Problem(where, 0, name, "appears twice in the header"))
        else:
            columns[index] = known[name]
    present = {c.field for c in columns.values()}
    for column in SHEETS[data.sheet]:
        if column.required and column.field not in present:
            problems.append(Problem(where, 0, column.field, "required column is missing"))
    return columns


def records_from(data: SheetData, result: ReadResult) -> None:
    """Validate each row of ``data`` into a record; collect problems in ``result``."""
    columns = _columns(data, result.problems)
    section = SECTION_OF[data.sheet]
    model = SECTIONS[section]
    target = result.records.setdefault(section, [])
    for number, cells in data.rows:
        where = f"{data.file}:{data.sheet}!{number}"
        values: dict[str, Any] = {}
        for index, column in columns.items():
            value = decode(column, cells[index] if index < len(cells) else None)
            if value is not None:
                values[column.field] = value
        try:
            record = model.model_validate(values)
        except ValidationError as exc:
            for loc, error in error_paths(exc):
                result.problems.append(Problem(where, 0, format_path(loc),
                                               describe(error, [c.field for c in
                                                                SHEETS[data.sheet]])))
            local_id = values.get("id")
            if not isinstance(local_id, str):
                continue
            record = model.model_construct(id=local_id)
            record.mark_invalid()
        record.locate_row(where)
        target.append(record)


def read_table_file(path: Path, kind: str | None = None) -> ReadResult:
    """Records from an ``.xlsx`` workbook or a ``.csv`` file."""
    label = path.name
    result = ReadResult()
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        sheets, result.ignored_sheets = read_xlsx(path, label)
        if not sheets:
            raise InvalidCase([Problem(label, 0, "", "has no sheet named after a record kind; "
                                       f"expected some of: {', '.join(SHEETS)}")])
    elif suffix == ".csv":
        sheets = [read_csv(path, label, kind)]
    else:
        raise InvalidCase([Problem(label, 0, "", "can only import .xlsx, .csv or .ftm.json "
                                   "files")])
    for data in sheets:
        records_from(data, result)
    return result
