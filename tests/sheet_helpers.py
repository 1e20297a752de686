"""Helpers to fill the authoring template from tests (fictional data only)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from exports.authoring import write_authoring_workbook


def fill_template(path: Path, rows: dict[str, list[dict[str, Any]]]) -> Path:
    """Write the template to ``path`` and fill ``rows`` (sheet → list of column → value)."""
    write_authoring_workbook(path)
    book = load_workbook(path)
    for sheet_name, records in rows.items():
        sheet = book[sheet_name]
        header = [c.value for c in sheet[1]]
        for row, record in enumerate(records, start=2):
            for field, value in record.items():
                sheet.cell(row=row, column=header.index(field) + 1, value=value)
    book.save(path)
    return path


def tree_digest(root: Path, skip: str | None = None) -> str:
    """A digest of every file under ``root`` except the database folder (and the files
    whose name ends with ``skip``)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".dossier" not in path.parts \
                and not (skip and path.name.endswith(skip)):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
