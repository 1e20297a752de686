"""The workbooks as LibreOffice prints them, and the authoring template as LibreOffice
types into it: converted to PDF, no text runs into other text or off the page; a partial
date typed into a date column stays partial."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dossier.build import build_case
from entities.case.loader import load_case
from entities.intake.importer import import_table
from entities.intake.tabular import SHEETS
from exports.authoring import write_authoring_workbook
from tests import layout
from tests.conftest import CASE_YML, FIXTURES, require_tool, write_case

SYSTEM_PYTHON = "/usr/bin/python3"


def _to_pdf(path: Path, work: Path) -> Path:
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/lo",
                    "--convert-to", "pdf", "--outdir", str(work), str(path)],
                   check=True, capture_output=True, timeout=240)
    pdf = work / f"{path.stem}.pdf"
    assert pdf.is_file()
    return pdf


@pytest.fixture(scope="module")
def legal_builds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("print")
    case = root / "legal"
    shutil.copytree(FIXTURES / "legal", case, ignore=shutil.ignore_patterns(".dossier"))
    for lang in ("en", "ru"):
        build_case(case, root / lang, "government", lang=lang)
    return root


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_briefing_workbook_prints_cleanly(legal_builds: Path, lang: str,
                                              tmp_path: Path) -> None:
    require_tool("soffice", "libreoffice-calc-nogui")
    book = tmp_path / f"workbook-{lang}.xlsx"
    shutil.copy(legal_builds / lang / "workbook.xlsx", book)
    pdf = _to_pdf(book, tmp_path)
    assert layout.problems(pdf, margin=10) == []
    sheets = load_workbook(book, read_only=True)
    if lang == "ru":
        assert "Лица" in sheets.sheetnames and "Доказательства" in sheets.sheetnames


def test_the_authoring_workbook_and_template_print_cleanly(legal_builds: Path,
                                                           tmp_path: Path) -> None:
    require_tool("soffice", "libreoffice-calc-nogui")
    filled = write_authoring_workbook(tmp_path / "case.xlsx", load_case(legal_builds / "legal"))
    empty = write_authoring_workbook(tmp_path / "template.xlsx")
    for book in (filled, empty):
        assert layout.problems(_to_pdf(book, tmp_path), margin=10) == [], book.name
    for sheet in load_workbook(empty).worksheets:
        if sheet.sheet_state == "visible":
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
            assert sheet.page_setup.fitToWidth == 1, sheet.title


def _column(sheet: str, field: str) -> str:
    index = [c.field for c in SHEETS[sheet]].index(field)
    return chr(ord("A") + index)


def test_partial_dates_typed_in_libreoffice_stay_partial(tmp_path: Path) -> None:
    require_tool("soffice", "libreoffice-calc-nogui")
    if not (Path(SYSTEM_PYTHON).is_file() and subprocess.run(
            [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0):
        if os.environ.get("DOSSIER_REQUIRE_TOOLS"):
            pytest.fail("LibreOffice's Python bridge (python3-uno) is not installed")
        pytest.skip("LibreOffice's Python bridge (python3-uno) is not installed")
    template = write_authoring_workbook(tmp_path / "template.xlsx")
    typed = tmp_path / "typed.xlsx"
    cells = {"id": "p-typed", "names": "Fiktiv Typov", "birth_date": "1971-03",
             "death_date": "2021-07-13"}
    entries = [f"People!{_column('People', k)}2={v}" for k, v in cells.items()]
    typing = subprocess.run([SYSTEM_PYTHON, str(Path(__file__).parent / "lo_type.py"),
                             str(template), str(typed), *entries], capture_output=True,
                            text=True, timeout=300)
    assert typing.returncode == 0, typing.stderr + typing.stdout
    case = write_case(tmp_path / "case", {"case.yml": CASE_YML})
    import_table(case, typed)
    person = load_case(case).people[0]
    assert (person.birth_date, person.death_date) == ("1971-03", "2021-07-13")
