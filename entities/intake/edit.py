"""Small, safe edits to hand-written YAML: only the lines of one record change.

Used by ``dossier review`` to mark an attribution reviewed. Comments and layout of the
file are kept; the edited case is validated before the change is kept.
"""

from __future__ import annotations

from pathlib import Path

from entities.case.case import Case
from entities.case.loader import load_case
from entities.case.model import Attribution
from entities.db.changes import case_files_lock, commit_change, open_case
from entities.exc import InvalidCase, Problem
from entities.intake.importer import IMPORT_DIR


def _set_fields(lines: list[str], record: Attribution, values: dict[str, str]) -> list[str]:
    id_line = lines[record.line("id") - 1]
    if "{" in id_line:
        raise InvalidCase([record.problem("is written on one line ({…}); write it as one "
                                          "field per line to review it here", "id")])
    indent = " " * id_line.index("id:")
    out = list(lines)
    insert_at = record.line("id")
    for field, value in values.items():
        text = f"{indent}{field}: {value}"
        if field in record.model_fields_set:
            out[record.line(field) - 1] = text
        else:
            out.insert(insert_at, text)
            insert_at += 1
    return out


def mark_reviewed(root: Path, attribution_id: str, by: str, on: str) -> Attribution:
    """Set ``status: reviewed``, ``reviewed_by`` and ``reviewed_on`` on one attribution;
    the file and the audit entry change together, or not at all.

    Raises:
        InvalidCase: unknown id, an imported record (edit the spreadsheet), or an edit
            that would make the case invalid (nothing is changed).
    """
    with case_files_lock(root):
        return _mark_reviewed(root, attribution_id, by, on)


def _mark_reviewed(root: Path, attribution_id: str, by: str, on: str) -> Attribution:
    case: Case = open_case(root)
    record = case.index.get(attribution_id)
    if not isinstance(record, Attribution):
        raise InvalidCase([Problem("case", 0, "", f"'{attribution_id}' is not an attribution "
                                   "of this case")])
    if record.defined_in.startswith(IMPORT_DIR + "/"):
        raise InvalidCase([record.problem(f"was imported from {record.imported_from}; mark it "
                                          "reviewed in the spreadsheet and import it again")])
    if record.status == "reviewed":
        return record
    path = root / record.defined_in
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    quoted = by.replace('"', "'")
    edited = _set_fields(lines, record, {"status": "reviewed",
                                         "reviewed_by": f'"{quoted}"', "reviewed_on": on})
    data = "\n".join(edited).encode("utf-8")
    new = load_case(root, overlay={path: data}).index[attribution_id]  # validated first
    assert isinstance(new, Attribution)
    commit_change(root, {path: data}, "review", attribution_id,
                  {"status": record.status, "reviewed_by": record.reviewed_by},
                  {"status": "reviewed", "reviewed_by": by, "reviewed_on": on}, actor=by)
    return new
