"""Add or change one record of a case as a form gives it: the fields are the authoring
workbook's columns (:data:`entities.intake.tabular.SHEETS`), read from the same cell
text (names as ``Name [lang, type]`` per line, codes separated by ``;``…), so a form and
a spreadsheet row mean the same thing.

Only the record's own lines of its YAML file change (comments and layout around it are
kept; a field the form does not show keeps its value); the case is validated with the
change before anything is written, and the file and the audit entry are written together
(:func:`entities.db.changes.commit_change`). A file changed since the form was opened is
not overwritten: :class:`Conflict` says so, with the change.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from entities.case.loader import load_case
from entities.case.model import SECTIONS, Record
from entities.db.changes import case_files_lock, commit_change, open_case
from entities.exc import DossierError, InvalidCase, Problem
from entities.intake.importer import IMPORT_DIR
from entities.intake.tabular import SECTION_OF, SHEETS, Column, decode, encode

_ITEM = re.compile(r"^(\s*)- ")
#: fields a form never sets: an attribution's review goes through the review queue
#: (:func:`entities.intake.edit.set_review`, with its four-eyes rule), and who entered a
#: record is who saved the form
REVIEW_FIELDS = ("status", "reviewed_by", "reviewed_on", "review_reason", "entered_by")


class Conflict(DossierError):
    """The file changed since the form was opened; ``diff`` shows how."""

    def __init__(self, path: str, diff: str):
        super().__init__(f"{path} changed since you opened this form (someone else, or "
                         "another tab, saved it); reload to see the change and edit again")
        self.diff = diff


@dataclass(frozen=True)
class FormField:
    """One field of a record's form: its workbook column and the value as cell text."""

    column: Column
    text: str


def sheet_of(section: str) -> str:
    for sheet, name in SECTION_OF.items():
        if name == section:
            return sheet
    raise KeyError(section)


def editable(section: str) -> list[Column]:
    """The columns a form edits (an attribution's review fields left out)."""
    skip = REVIEW_FIELDS if section == "attributions" else ()
    return [c for c in SHEETS[sheet_of(section)] if c.field not in skip]


def form_fields(section: str, record: Record | None) -> list[FormField]:
    """The fields of a record's form, filled from ``record`` (empty for a new one)."""
    out = []
    for column in editable(section):
        value = encode(column, record) if record is not None else None
        out.append(FormField(column, "" if value is None else str(value)))
    return out


def digest(path: Path) -> str:
    """What a form remembers of its file, to notice a change: a hash (or ``absent``)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"


def _values(section: str, form: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in editable(section):
        value = decode(column, form.get(column.field, ""))
        if value is not None:
            values[column.field] = value
    return values


def _block(lines: list[str], start: int) -> tuple[int, int, str]:
    """The lines ``[start, end)`` of the list item beginning at ``start``, and its indent."""
    found = _ITEM.match(lines[start])
    if found is None:
        raise ValueError("not a list item")
    indent = found.group(1)
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and len(line) - len(line.lstrip()) <= len(indent):
            break
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return start, end, indent


def _yaml_item(data: dict[str, Any], indent: str) -> list[str]:
    text = yaml.safe_dump([data], allow_unicode=True, sort_keys=False, width=100)
    return [indent + line if line else line for line in text.rstrip("\n").split("\n")]


def _problems_for(error: InvalidCase, path: str, span: tuple[int, int]) -> list[Problem]:
    mine = [p for p in error.problems if p.file == path and span[0] <= p.line <= span[1]]
    return mine or list(error.problems)


def field_of(problem: Problem) -> str:
    """The record field a problem is about (``people[2].names[0].lang`` → ``names``)."""
    tail = problem.field.split("].", 1)[-1] if "]." in problem.field else problem.field
    return re.split(r"[.\[]", tail, maxsplit=1)[0]


def save_record(root: Path, section: str, record_id: str | None, form: dict[str, str],
                seen: str, by: str, seen_text: str | None = None) -> Record:
    """Write the form's record: a change to ``record_id``, or a new record.

    Args:
        form: cell text by field (the form's inputs, all of them: a field of the form
            left out or empty is cleared); a field the form does not show (see
            :func:`editable`) keeps the record's value.
        seen: :func:`digest` of the file when the form was opened.
        by: who makes the change (the audit entry's actor).
        seen_text: the file's text when the form was opened, if kept (a conflict then
            shows what changed).

    Raises:
        InvalidCase: the change would leave the case invalid (each problem located, the
            record's own first), or the record cannot be changed here (imported from a
            spreadsheet, written on one line…); nothing is written.
        Conflict: the file changed since the form was opened; nothing is written.
    """
    if section not in SECTIONS:
        raise InvalidCase([Problem("case", 0, "", f"unknown kind of record: {section}")])
    with case_files_lock(root):
        case = open_case(root)
        values = _values(section, form)
        if record_id is None:
            new_id = str(values.get("id", ""))
            if new_id in case.index:
                raise InvalidCase([Problem("case", 0, "id", f"'{new_id}' is taken; choose "
                                           "another id")])
            if section == "attributions":
                values["entered_by"] = by  # a new attribution is a draft, entered by them
            return _add(root, case, section, values, seen, by, seen_text)
        record = _hand_written(case, section, record_id, "change")
        path, lines, (start, end, indent) = _record_lines(
            root, record, seen, seen_text, "is not written as a list item beginning with its "
            "id; edit it in its file")
        before = record.model_dump(mode="json", exclude={"imported_from"})
        columns = [c.field for c in editable(section)]
        values["id"] = record.id  # an id is not changed here: others refer to it
        kept = {k: before[k] for k in sorted(record.model_fields_set)
                if k not in columns and k in before}
        ordered = {f: values[f] for f in columns if f in values} | kept
        return _write(root, path, lines, (start, end), _yaml_item(ordered, indent),
                      record.id, "edit", before, ordered, by)


def _hand_written(case: Any, section: str, record_id: str, verb: str) -> Record:
    """The record ``record_id`` of ``section``, if it is written by hand (an imported
    one is changed — ``verb`` — in its spreadsheet)."""
    record = case.index.get(record_id)
    if section not in SECTIONS or record is None or type(record) is not SECTIONS[section]:
        raise InvalidCase([Problem("case", 0, "", f"no {section} record '{record_id}'")])
    if record.defined_in.startswith(IMPORT_DIR + "/"):
        raise InvalidCase([record.problem(f"was imported from {record.imported_from}; "
                                          f"{verb} it in the spreadsheet and import it "
                                          "again")])
    return record


def delete_record(root: Path, section: str, record_id: str, seen: str, by: str,
                  seen_text: str | None = None) -> None:
    """Take a hand-written record out of its file (its lines only; the audit entry keeps
    what it held). Refused while another record refers to it: the problems say which.

    Raises:
        InvalidCase: no such record, one imported from a spreadsheet, or records that
            still refer to it (each located); nothing is written.
        Conflict: the file changed since the form was opened; nothing is written.
    """
    with case_files_lock(root):
        case = open_case(root)
        record = _hand_written(case, section, record_id, "remove")
        path, lines, (start, end, _) = _record_lines(
            root, record, seen, seen_text, "is not written as a list item beginning with its "
            "id; delete it in its file")
        data = "\n".join(lines[:start] + lines[end:]).encode("utf-8")
        try:
            load_case(root, overlay={path: data})
        except InvalidCase as exc:
            raise InvalidCase([record.problem("is still referred to; change or delete what "
                                              "refers to it first"), *exc.problems]) from None
        before = record.model_dump(mode="json", exclude={"imported_from"})
        commit_change(root, {path: data}, "delete", record.id, before, None, actor=by)


def _record_lines(root: Path, record: Record, seen: str, seen_text: str | None,
                  not_an_item: str) -> tuple[Path, list[str], tuple[int, int, str]]:
    """The file of ``record`` (unchanged since the form opened) as lines, and the span
    and indent of the record's list item (``not_an_item`` says why when it is not one)."""
    path = root / record.defined_in
    lines = path.read_text("utf-8").split("\n")
    check_seen(path, seen, lines, seen_text)
    try:
        return path, lines, _block(lines, record.line("id") - 1)
    except ValueError:
        raise InvalidCase([record.problem(not_an_item)]) from None


def check_seen(path: Path, seen: str, lines: list[str], seen_text: str | None) -> None:
    if digest(path) == seen:
        return
    before = (seen_text or "").split("\n") if seen_text is not None or seen == "absent" \
        else []
    diff = "\n".join(difflib.unified_diff(before, lines, "as you opened it", "as it is now",
                                          lineterm="", n=2)) if before or seen == "absent" \
        else ""
    raise Conflict(path.name, diff)


def _last_written(case: Any, section: str) -> Record | None:
    mine = [r for r in case.section(section) if not r.defined_in.startswith(IMPORT_DIR + "/")]
    return mine[-1] if mine else None


def new_record_file(root: Path, section: str) -> Path:
    """The file a new record of ``section`` goes to: the one holding the section's last
    hand-written record, else ``data/<section>.yml``."""
    last = _last_written(open_case(root), section)
    return root / last.defined_in if last is not None else root / "data" / f"{section}.yml"


def _add(root: Path, case: Any, section: str, values: dict[str, Any], seen: str,
         by: str, seen_text: str | None) -> Record:
    last = _last_written(case, section)
    if last is not None:
        path, lines, (_, end, indent) = _record_lines(
            root, last, seen, seen_text, "the records of this file are not written as list "
            "items; add the record in the file")
        span = (end, end)
    else:
        path = root / "data" / f"{section}.yml"
        lines = path.read_text("utf-8").split("\n") if path.is_file() else []
        check_seen(path, seen, lines, seen_text)
        if lines and lines[-1] == "":
            lines = lines[:-1]
        lines = [*lines, f"{section}:"]
        indent, span = "  ", (len(lines), len(lines))
        lines.append("")
    return _write(root, path, lines, span, _yaml_item(values, indent),
                  str(values.get("id", "")), "add", None, values, by)


def _write(root: Path, path: Path, lines: list[str], span: tuple[int, int],
           item: list[str], record_id: str, action: str, before: Any, after: Any,
           by: str) -> Record:
    new_lines = lines[:span[0]] + item + lines[span[1]:]
    data = "\n".join(new_lines).encode("utf-8")
    relative = path.relative_to(root).as_posix()
    try:
        changed = load_case(root, overlay={path: data})
    except InvalidCase as exc:
        raise InvalidCase(_problems_for(exc, relative, (span[0] + 1,
                                                        span[0] + len(item)))) from None
    commit_change(root, {path: data}, action, record_id, before, after, actor=by)
    return changed.index[record_id]
