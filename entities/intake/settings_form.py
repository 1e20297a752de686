"""The case's own settings (``case.yml``) as a form gives them: title, summary, date,
default sensitivity and the submitting organisation's name, website and description.

Only the lines of the fields given change (a value written over several lines, as a
folded summary, is replaced whole); comments and every other setting stay. The case is
validated with the change first, a file changed since the form was opened is not
overwritten, and the file and the audit entry are written together.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from entities.case.case import Case
from entities.case.loader import CASE_FILE, load_case
from entities.db.changes import case_files_lock, commit_change, open_case
from entities.exc import Problem
from entities.intake.records import check_seen

#: (field path, what it is): the settings a form edits
SETTINGS = [("title", "The case's title, on every output."),
            ("summary", "One or two paragraphs on what the case is about."),
            ("date", "The date of this version of the case (YYYY-MM-DD), printed on outputs."),
            ("default_sensitivity", "public, restricted or confidential: for records that "
             "set none."),
            ("organisation.name", "The organisation submitting the case."),
            ("organisation.website", "Its website."),
            ("organisation.description", "A paragraph on the organisation, for the packs.")]


def current(case: Case) -> dict[str, str]:
    """The settings' values as the form shows them."""
    meta = case.meta
    values: dict[str, Any] = {
        "title": meta.title, "summary": meta.summary, "date": meta.date,
        "default_sensitivity": meta.default_sensitivity,
        "organisation.name": meta.organisation.name,
        "organisation.website": meta.organisation.website,
        "organisation.description": meta.organisation.description}
    return {k: "" if v is None else str(v) for k, v in values.items()}


def _span(lines: list[str], key: str, indent: str, start: int, stop: int
          ) -> tuple[int, int] | None:
    pattern = re.compile(rf"^{indent}{re.escape(key)}:")
    for index in range(start, stop):
        if pattern.match(lines[index]):
            end = index + 1
            while end < stop and (not lines[end].strip() or
                                  len(lines[end]) - len(lines[end].lstrip()) > len(indent)):
                end += 1
            while end > index + 1 and not lines[end - 1].strip():
                end -= 1
            return index, end
    return None


def _block_of(lines: list[str], key: str) -> tuple[int, int] | None:
    return _span(lines, key, "", 0, len(lines))


def _edit(lines: list[str], path: str, value: str) -> list[str]:
    out = list(lines)
    head, _, tail = path.partition(".")
    text = json.dumps(value, ensure_ascii=False)  # a YAML double-quoted scalar
    if not tail:
        found = _block_of(out, head)
        new = [f"{head}: {text}"] if value else []
        if found is None:
            return out + new
        return out[:found[0]] + new + out[found[1]:]
    parent = _block_of(out, head)
    if parent is None:
        return out + ([f"{head}:", f"  {tail}: {text}"] if value else [])
    found = _span(out, tail, "  ", parent[0] + 1, parent[1])
    new = [f"  {tail}: {text}"] if value else []
    if found is None:
        return out[:parent[1]] + new + out[parent[1]:]
    return out[:found[0]] + new + out[found[1]:]


def save_settings(root: Path, form: dict[str, str], seen: str, by: str,
                  seen_text: str | None = None) -> Case:
    """Write the settings the form changed.

    Raises:
        InvalidCase: the change would leave the case invalid (nothing is written).
        Conflict: ``case.yml`` changed since the form was opened (nothing is written).
    """
    with case_files_lock(root):
        case = open_case(root)
        before = current(case)
        path = root / CASE_FILE
        lines = path.read_text("utf-8").split("\n")
        check_seen(path, seen, lines, seen_text)
        changed = {k: " ".join(form[k].split()) if k != "summary" else form[k].strip()
                   for k, _ in SETTINGS if k in form and form[k].strip() != before[k]}
        for key, value in changed.items():
            lines = _edit(lines, key, value)
        if not changed:
            return case
        data = "\n".join(lines).encode("utf-8")
        edited = load_case(root, overlay={path: data})  # validated first
        commit_change(root, {path: data}, "settings", CASE_FILE,
                      {k: before[k] for k in changed}, changed, actor=by)
        return edited


def save_submissions(root: Path, texts: dict[tuple[str, str, str], str], seen: str, by: str,
                     check: Callable[[Case], list[Problem]],
                     seen_text: str | None = None) -> Case:
    """Write the analyst's submission texts (``submissions:`` of ``case.yml``: target →
    regime → field → text) as the form gives them all; an empty text is left out. The
    ``submissions:`` block is written anew (comments inside it do not survive; every other
    line of the file stays). ``check`` lists what is wrong with the edited case's texts
    (the regimes' rules live above this package:
    ``evidence_maps.submissions.submission_problems``).

    Raises:
        InvalidCase: an unknown target, regime or field, or another mistake (nothing is
            written).
        Conflict: ``case.yml`` changed since the form was opened.
    """
    import yaml

    from entities.exc import InvalidCase

    with case_files_lock(root):
        case = open_case(root)
        path = root / CASE_FILE
        lines = path.read_text("utf-8").split("\n")
        check_seen(path, seen, lines, seen_text)
        mapping: dict[str, dict[str, dict[str, str]]] = {}
        for (target, regime, key), value in sorted(texts.items()):
            if value.strip():
                mapping.setdefault(target, {}).setdefault(regime, {})[key] = value.strip()
        before = {t: {r: dict(f) for r, f in regimes.items()}
                  for t, regimes in case.meta.submissions.items()}
        if mapping == before:
            return case
        block = yaml.safe_dump({"submissions": mapping}, allow_unicode=True, sort_keys=False,
                               width=88).rstrip("\n").split("\n") if mapping else []
        found = _block_of(lines, "submissions")
        if found is None:
            while lines and not lines[-1].strip():
                lines.pop()
            new = [*lines, *block, ""]
        else:
            new = lines[:found[0]] + block + lines[found[1]:]
        data = "\n".join(new).encode("utf-8")
        edited = load_case(root, overlay={path: data})
        problems = check(edited)
        if problems:
            raise InvalidCase(problems)
        commit_change(root, {path: data}, "submissions", CASE_FILE, before, mapping, actor=by)
        return edited
