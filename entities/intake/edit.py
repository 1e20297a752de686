"""Small, safe edits to hand-written YAML: only the lines of one record change.

Used by ``dossier review`` to approve, reject or reopen an attribution. Comments and layout of the
file are kept; the edited case is validated before the change is kept.
"""

from __future__ import annotations

from pathlib import Path

from entities.case.case import Case
from entities.case.loader import load_case
from entities.case.model import Attribution
from entities.db.changes import case_files_lock, commit_change, open_case
from entities.exc import InvalidCase, Problem


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


#: review action → the status it sets, and the statuses it may start from
ACTIONS = {"approve": ("reviewed", ("draft",)), "reject": ("rejected", ("draft", "reviewed")),
           "reopen": ("draft", ("reviewed", "rejected"))}


def mark_reviewed(root: Path, attribution_id: str, by: str, on: str) -> Attribution:
    """Approve one draft attribution (see :func:`set_review`)."""
    return set_review(root, attribution_id, "approve", by, on)


def set_review(root: Path, attribution_id: str, action: str, by: str, on: str,
               reason: str | None = None, four_eyes: bool = False) -> Attribution:
    """Approve, reject or reopen one attribution: set ``status``, ``reviewed_by``,
    ``reviewed_on`` (and ``review_reason`` for a rejection or a reopening); the file and
    the audit entry (who, when, why) change together, or not at all.

    Raises:
        InvalidCase: unknown id, an imported record (edit the spreadsheet), an action the
            status does not allow, a missing reason, a four-eyes case whose reviewer
            entered or last changed the attribution (or whose entry is not recorded),
            or an edit that would make the case invalid (nothing is changed). A team
            (``four_eyes=True``) always works with four eyes, whatever the case says.
    """
    with case_files_lock(root):
        return _set_review(root, attribution_id, action, by, on, reason, four_eyes)


def last_changed_by(root: Path, record_id: str) -> str | None:
    """Who last added or changed the record ``record_id``, by the audit log (a form,
    ``dossier import``, the app); ``None`` when the log does not say."""
    from entities.db.audit import read_log

    for entry in reversed(read_log(root)):
        if entry.action in ("add", "edit") and entry.subject == record_id:
            return entry.actor
        if entry.action == "import" and isinstance(entry.after, dict) and \
                record_id in entry.after:
            return entry.actor
    return None


def _set_review(root: Path, attribution_id: str, action: str, by: str, on: str,
                reason: str | None, four_eyes: bool = False) -> Attribution:
    case: Case = open_case(root)
    record = case.index.get(attribution_id)
    if not isinstance(record, Attribution):
        raise InvalidCase([Problem("case", 0, "", f"'{attribution_id}' is not an attribution "
                                   "of this case")])
    # an imported attribution is reviewed here too: its review is written into the
    # import's generated file, and a later import of the same row keeps it (see
    # entities.intake.importer.keep_review)
    status, allowed = ACTIONS[action]
    if record.status == status:
        return record
    if record.status not in allowed:
        raise InvalidCase([record.problem(
            f"is {record.status}; it cannot be {action}d (reopen it first)", "status")])
    if action != "approve" and not (reason or "").strip():
        raise InvalidCase([record.problem(f"say why you {action} it: --reason \"…\"")])
    if action == "approve" and (four_eyes or case.meta.review == "four_eyes"):
        changed = last_changed_by(root, attribution_id)
        if not record.entered_by and not changed:
            raise InvalidCase([record.problem(
                "this case requires four eyes, and who entered this attribution is not "
                "recorded (hand-written YAML): enter it through a spreadsheet import, or set "
                "entered_by, so that someone else can approve it")])
        me = by.strip().casefold()
        if (record.entered_by or "").strip().casefold() == me:
            raise InvalidCase([record.problem(
                f"was entered by {record.entered_by}; this case requires four eyes, so "
                "another reviewer must approve it")])
        if changed is not None and changed.strip().casefold() == me:
            raise InvalidCase([record.problem(
                f"was last changed by {changed}; this case requires four eyes, so another "
                "reviewer must approve it")])
    path = root / record.defined_in
    lines = path.read_text(encoding="utf-8").split("\n")
    values = {"status": status, "reviewed_by": _quote(by), "reviewed_on": on}
    if reason:
        values["review_reason"] = _quote(f"{action}: {reason.strip()}")
    data = "\n".join(_set_fields(lines, record, values)).encode("utf-8")
    new = load_case(root, overlay={path: data}).index[attribution_id]  # validated first
    assert isinstance(new, Attribution)
    commit_change(root, {path: data}, "review", attribution_id,
                  {"status": record.status, "reviewed_by": record.reviewed_by},
                  {"status": status, "reviewed_by": by, "reviewed_on": on,
                   **({"reason": reason.strip()} if reason else {})}, actor=by)
    return new


def _quote(text: str) -> str:
    return '"' + " ".join(text.split()).replace("\\", "/").replace('"', "'") + '"'
