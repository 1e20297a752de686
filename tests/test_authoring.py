"""The authoring template and the round-trip export."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from entities.case.loader import load_case
from entities.intake.importer import import_table
from entities.intake.tabular import SHEETS
from exports.authoring import write_authoring_workbook
from tests.sheet_helpers import tree_digest


def test_template_structure(tmp_path: Path) -> None:
    path = write_authoring_workbook(tmp_path / "t.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Instructions", *SHEETS, "Lists"]
    assert book["Lists"].sheet_state == "hidden"
    for name, columns in SHEETS.items():
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        header = [c.value for c in sheet[1]]
        assert header == [c.field for c in columns]
        for cell, column in zip(sheet[1], columns, strict=True):
            assert cell.font.bold
            assert cell.comment is not None and column.help in cell.comment.text
            if column.example:
                assert f"Example: {column.example}" in cell.comment.text
        vocab_cols = {c.field for c in columns if c.vocab}
        validated = set()
        for rule in sheet.data_validations.dataValidation:
            assert rule.type == "list" and rule.formula1.startswith("'Lists'!$")
            letter = str(rule.sqref).split(":")[0].rstrip("0123456789")
            validated.add(header[ord(letter) - ord("A")])
        assert validated == vocab_cols
        for index, column in enumerate(columns, start=1):
            if column.codec == "date":
                # text, so that a partial date typed in stays partial (tests/test_print.py)
                assert sheet.cell(row=2, column=index).number_format == "@"
    lists = book["Lists"]
    values = {lists.cell(row=1, column=i).value: [c.value for c in col[1:] if c.value]
              for i, col in enumerate(lists.iter_cols(), start=1)}
    assert "torture — Torture or cruel, inhuman or degrading treatment" in \
        values["violation_types"] and "KZ" in values["countries"]
    assert [v.split(" — ")[0] for v in values["reliability"]] == ["A", "B", "C", "D", "E", "F"]
    assert values["reliability"][1] == "B — Usually reliable"


def test_round_trip_of_a_yaml_case_changes_nothing(example: Path, fictional: Path,
                                                   tmp_path: Path) -> None:
    for root in (example, fictional):
        before = tree_digest(root)
        path = write_authoring_workbook(tmp_path / f"{root.name}.xlsx", load_case(root))
        report = import_table(root, path)
        assert (report.added, report.changed, report.removed) == ([], [], [])
        assert len(report.kept_in_yaml) == sum(load_case(root).count().values())
        assert tree_digest(root) == before


def test_formula_like_text_stays_text(fictional: Path, tmp_path: Path) -> None:
    evidence = fictional / "data" / "evidence.yml"
    evidence.write_text(evidence.read_text().replace(
        "excerpt: The Directorate", "excerpt: \"=HYPERLINK('x') The Directorate"
    ).replace("ordered the detention.\n    excerpt_lang", "ordered the detention.\"\n"
              "    excerpt_lang"))
    case = load_case(fictional)
    path = write_authoring_workbook(tmp_path / "f.xlsx", case)
    sheet = load_workbook(path)["Evidence"]
    cell = sheet.cell(row=2, column=4)
    assert cell.data_type == "s" and str(cell.value).startswith("=HYPERLINK")
    assert import_table(fictional, path).changed == []
