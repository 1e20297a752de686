"""The case's audit trail: an append-only, hash-chained log in the case database.

Every change made through the tool is one entry — imports, edits by import, review
decisions, identity judgements, screening decisions, evidence files registered and
accepted hash changes — with who, when, what, and the state before and after. Each
entry's ``hash`` is the SHA-256 of the previous entry's hash and the entry's own content,
so altering, removing or reordering any entry breaks the chain from that point on;
:meth:`AuditLog.verify` finds where. An entry appended inside another change's
transaction commits (or rolls back) with it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from entities.db.database import AUDIT_LOG as LOG
from entities.db.database import CaseDatabase
from entities.settings import current_user

GENESIS = "0" * 64


@dataclass(frozen=True)
class Entry:
    """One entry of the log."""

    seq: int
    at: str
    actor: str
    action: str
    subject: str
    before: Any
    after: Any
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        """The entry as ``dossier log --json`` prints it."""
        return {"seq": self.seq, "at": self.at, "who": self.actor, "action": self.action,
                "subject": self.subject, "before": self.before, "after": self.after,
                "hash": self.hash}

    def describe(self, width: int = 60) -> str:
        """One line: number, when, who, what, and the change in short."""
        change = ""
        if self.before is not None or self.after is not None:
            change = f": {_short(self.before, width)} -> {_short(self.after, width)}"
        return f"{self.seq:>5} {self.at} {self.actor} {self.action} {self.subject}{change}"


def _short(value: Any, width: int) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= width else text[: width - 1] + "…"


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str,
               before: str, after: str) -> str:
    payload = _canonical([prev_hash, seq, at, actor, action, subject, before, after])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _digest(action: str, subject: str, before: str, after: str) -> str:
    payload = _canonical([action, subject, before, after])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def content_digest(action: str, subject: str, before: Any, after: Any) -> str:
    """The digest of what an entry says (not when or by whom): lets a command that was
    interrupted find out afterwards whether its entry was committed."""
    return _digest(action, subject, _canonical(before), _canonical(after))


class AuditLog:
    """The audit log of the cases in one :class:`CaseDatabase`."""

    def __init__(self, db: CaseDatabase):
        self.db = db

    def append(self, action: str, subject: str, before: Any = None, after: Any = None,
               actor: str | None = None) -> Entry:
        """Add one entry, in the current transaction if there is one (then it commits with
        the change it records), else in its own."""
        with self.db.transaction("write to the audit log", write=True) as conn:
            if self.db.dialect == "postgresql":  # concurrent writers take turns
                conn.exec_driver_sql(f"LOCK TABLE {LOG.name} IN EXCLUSIVE MODE")
            last = conn.execute(select(LOG.c.seq, LOG.c.hash).order_by(LOG.c.seq.desc())
                                .limit(1)).first()
            seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
            at = datetime.now(UTC).isoformat(timespec="seconds")
            who = actor or current_user()
            before_text, after_text = _canonical(before), _canonical(after)
            digest = entry_hash(prev, seq, at, who, action, subject, before_text, after_text)
            conn.execute(LOG.insert().values(seq=seq, at=at, actor=who, action=action,
                                             subject=subject, before=before_text,
                                             after=after_text, prev_hash=prev, hash=digest))
        return Entry(seq, at, who, action, subject, before, after, prev, digest)

    def _rows(self) -> list[dict[str, Any]]:
        with self.db.transaction("read the audit log") as conn:
            return [dict(r) for r in conn.execute(select(LOG).order_by(LOG.c.seq)).mappings()]

    def head(self) -> str | None:
        """The hash of the newest entry (``None`` for an empty log)."""
        with self.db.transaction("read the audit log") as conn:
            row = conn.execute(select(LOG.c.hash).order_by(LOG.c.seq.desc()).limit(1)).first()
        return str(row[0]) if row else None

    def recorded_since(self, head: str | None, digest: str) -> bool:
        """Whether an entry with content ``digest`` (see :func:`content_digest`) was
        appended after the entry whose hash is ``head`` (``None``: the empty log)."""
        with self.db.transaction("read the audit log") as conn:
            start = 0
            if head is not None:
                row = conn.execute(select(LOG.c.seq).where(LOG.c.hash == head)).first()
                start = row[0] if row else 0
            rows = conn.execute(select(LOG.c.action, LOG.c.subject, LOG.c.before,
                                       LOG.c.after).where(LOG.c.seq > start))
            return any(_digest(r[0], r[1], r[2], r[3]) == digest for r in rows)

    def entries(self, limit: int = 0) -> list[Entry]:
        """Every entry in order (only the last ``limit`` when given)."""
        entries = [Entry(r["seq"], r["at"], r["actor"], r["action"], r["subject"],
                         json.loads(r["before"]), json.loads(r["after"]), r["prev_hash"],
                         r["hash"]) for r in self._rows()]
        return entries[-limit:] if limit else entries

    def verify(self) -> list[str]:
        """Where the chain is broken (empty when intact)."""
        problems = []
        prev = GENESIS
        expected = 1
        for row in self._rows():
            if row["seq"] != expected:
                problems.append(f"audit log entry {expected} is missing (next is "
                                f"{row['seq']}): entries were removed")
            expected = row["seq"] + 1
            if row["prev_hash"] != prev:
                problems.append(f"audit log entry {row['seq']} does not follow entry "
                                f"{row['seq'] - 1}: the chain is broken")
            digest = entry_hash(row["prev_hash"], row["seq"], row["at"], row["actor"],
                                row["action"], row["subject"], row["before"], row["after"])
            if digest != row["hash"]:
                problems.append(f"audit log entry {row['seq']} ({row['action']} "
                                f"{row['subject']}) was altered after it was written")
            prev = row["hash"]
        return problems


def read_log(root: Path, limit: int = 0) -> list[Entry]:
    """The audit log of the case at ``root``, oldest first (the last ``limit`` entries
    when given)."""
    with CaseDatabase.for_case(root) as db:
        return AuditLog(db).entries(limit)
