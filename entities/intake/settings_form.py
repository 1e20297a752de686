"""The case's own settings (``case.yml``) as a form gives them: title, summary, date,
languages, default sensitivity, the review rule, the minimum grade, pseudonymised free
text, and the submitting organisation's name, website, description, contact and partners.

Only the settings the form changed are rewritten (a value written over several lines, as
a folded summary or a block of partners, is replaced whole, comments inside it with it);
comments and every other setting stay. The contact is written as one mapping and the
partners as one list. The case is validated with the change first, a file changed since
the form was opened is not overwritten, and the file and the audit entry are written
together. The words of the form (labels, help) belong to the app, not to this module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from entities.case.case import Case
from entities.case.loader import CASE_FILE, load_case
from entities.db.changes import case_files_lock, commit_change, open_case
from entities.exc import Problem
from entities.intake.records import check_seen


@dataclass(frozen=True)
class Setting:
    """One field of the settings form."""

    #: its name in the form, the path of the setting in ``case.yml`` (dotted)
    name: str
    #: ``line``, ``text`` (several lines), ``choice`` (of :attr:`choices`), ``list``
    #: (comma-separated), ``partners`` (one per line: name | website | description)
    kind: str = "line"
    choices: tuple[str, ...] = ()


SETTINGS = (Setting("title"), Setting("summary", "text"), Setting("date"),
            Setting("languages", "list"),
            Setting("default_sensitivity", "choice", ("public", "restricted",
                                                      "confidential")),
            Setting("review", "choice", ("single", "four_eyes")),
            Setting("minimum_grade", "choice", ("weak", "moderate", "strong")),
            Setting("pseudonymise_free_text", "choice", ("false", "true")),
            Setting("organisation.name"), Setting("organisation.website"),
            Setting("organisation.description", "text"),
            Setting("organisation.contact.name"), Setting("organisation.contact.email"),
            Setting("organisation.contact.phone"),
            Setting("organisation.partners", "partners"))
NAMES = tuple(s.name for s in SETTINGS)
CONTACT = ("name", "email", "phone")


def current(case: Case) -> dict[str, str]:
    """The settings' values as the form shows them."""
    meta = case.meta
    org = meta.organisation
    values: dict[str, Any] = {
        "title": meta.title, "summary": meta.summary, "date": meta.date,
        "languages": ", ".join(meta.languages),
        "default_sensitivity": meta.default_sensitivity, "review": meta.review,
        "minimum_grade": meta.minimum_grade,
        "pseudonymise_free_text": "true" if meta.pseudonymise_free_text else "false",
        "organisation.name": org.name, "organisation.website": org.website,
        "organisation.description": org.description,
        "organisation.partners": "\n".join(
            " | ".join(str(v or "") for v in (p.name, p.website, p.description)).rstrip(" |")
            for p in org.partners)}
    for key in CONTACT:
        values[f"organisation.contact.{key}"] = getattr(org.contact, key)
    return {k: "" if v is None else str(v) for k, v in values.items()}


def partners_of(text: str) -> list[dict[str, str]]:
    """The partners a form's text gives, one per line: ``name | website | description``
    (the last two may be left out)."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        partner = dict(zip(("name", "website", "description"), parts, strict=False))
        out.append({k: v for k, v in partner.items() if v})
    return out


def _value(name: str, form: dict[str, str]) -> object:
    """What ``case.yml`` gets for the setting ``name`` (``None``: the key goes)."""
    if name == "organisation.contact":
        contact = {k: " ".join(form[f"organisation.contact.{k}"].split()) for k in CONTACT}
        return {k: v for k, v in contact.items() if v} or None
    raw = form[name]
    if name == "languages":
        return [c for c in re.split(r"[\s,;]+", raw) if c] or None
    if name == "pseudonymise_free_text":
        return raw.strip() == "true"
    if name == "organisation.partners":
        return partners_of(raw) or None
    if name == "summary" or name == "organisation.description":
        return raw.strip() or None
    return " ".join(raw.split()) or None


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


def _rendered(key: str, indent: str, value: object) -> list[str]:
    """The lines of ``key: value`` in YAML (JSON's scalars, lists and mappings are YAML's;
    a list of mappings is written as a block)."""
    if value is None:
        return []
    if isinstance(value, list) and value and isinstance(value[0], dict):
        import yaml

        body = yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=88)
        return [f"{indent}{key}:"] + [f"{indent}  {line}" for line in body.rstrip().split("\n")]
    return [f"{indent}{key}: {json.dumps(value, ensure_ascii=False)}"]


def _append(lines: list[str], new: list[str]) -> list[str]:
    """``new`` at the end of the file, before its final newline."""
    out = list(lines)
    while out and not out[-1].strip():
        out.pop()
    return [*out, *new, ""] if new else lines


def _edit(lines: list[str], path: str, value: object) -> list[str]:
    out = list(lines)
    head, _, tail = path.partition(".")
    if not tail:
        found = _block_of(out, head)
        new = _rendered(head, "", value)
        if found is None:
            return _append(out, new)
        return out[:found[0]] + new + out[found[1]:]
    parent = _block_of(out, head)
    if parent is None:
        return _append(out, [f"{head}:", *_rendered(tail, "  ", value)]
                       if value is not None else [])
    found = _span(out, tail, "  ", parent[0] + 1, parent[1])
    new = _rendered(tail, "  ", value)
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
        changed = {k: form[k] for k in NAMES
                   if k in form and " ".join(form[k].split()) != " ".join(before[k].split())}
        if not changed:
            return case
        full = {**before, **{k: form[k] for k in NAMES if k in form}}
        paths = {"organisation.contact" if k.startswith("organisation.contact.") else k
                 for k in changed}
        for key in sorted(paths):
            lines = _edit(lines, key, _value(key, full))
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
