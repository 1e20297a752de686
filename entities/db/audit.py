"""The case's audit trail: an append-only, hash-chained log in the case database.

Every change made through the tool is one entry — imports, edits by import, review
decisions, identity judgements, screening decisions, evidence files registered and
accepted hash changes — with who, when, what, and the state before and after. Each
entry's ``hash`` is the SHA-256 of the previous entry's hash and the entry's own content,
so altering, removing or reordering any entry breaks the chain from that point on;
:meth:`AuditLog.verify` finds where.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from entities.db.schema import create_tables
from entities.exc import StoreError
from entities.settings import database_url, prepare_database

METADATA = MetaData()
LOG = Table(
    "audit_log", METADATA,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", Text, nullable=False),
    Column("before", Text, nullable=False),
    Column("after", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
GENESIS = "0" * 64


def current_user() -> str:
    """Who is making the change: ``DOSSIER_USER``, else the login name."""
    name = os.environ.get("DOSSIER_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    before: Any
    after: Any
    prev_hash: str
    hash: str


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def entry_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str,
               before: str, after: str) -> str:
    payload = _canonical([prev_hash, seq, at, actor, action, subject, before, after])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AuditLog:
    """The audit log of the cases in one database."""

    def __init__(self, url: str):
        try:
            self.engine = create_engine(prepare_database(url))
            create_tables(self.engine, METADATA)
        except (SQLAlchemyError, OSError, ModuleNotFoundError) as exc:
            raise StoreError(f"cannot open the audit log in the case database: {exc}") from exc

    @classmethod
    def for_case(cls, root: Path) -> AuditLog:
        return cls(database_url(root))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def append(self, action: str, subject: str, before: Any = None, after: Any = None,
               actor: str | None = None, conn: Connection | None = None) -> Entry:
        """Add one entry (in ``conn``'s transaction when given, else in its own)."""
        if conn is not None:
            return append_in(conn, action, subject, before, after, actor)
        try:
            with self.engine.begin() as own:
                return self._append(own, action, subject, before, after, actor)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to the audit log: {exc}") from exc

    @staticmethod
    def _append(conn: Connection, action: str, subject: str, before: Any, after: Any,
                actor: str | None) -> Entry:
        if conn.dialect.name == "postgresql":  # concurrent writers take turns
            conn.exec_driver_sql("LOCK TABLE audit_log IN EXCLUSIVE MODE")
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

    def entries(self) -> list[Entry]:
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(select(LOG).order_by(LOG.c.seq)).mappings().all()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read the audit log: {exc}") from exc
        return [Entry(r["seq"], r["at"], r["actor"], r["action"], r["subject"],
                      json.loads(r["before"]), json.loads(r["after"]), r["prev_hash"],
                      r["hash"]) for r in rows]

    def verify(self) -> list[str]:
        """Where the chain is broken (empty when intact)."""
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(select(LOG).order_by(LOG.c.seq)).mappings().all()
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read the audit log: {exc}") from exc
        problems = []
        prev = GENESIS
        expected = 1
        for row in rows:
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


def append_in(conn: Connection, action: str, subject: str, before: Any = None,
              after: Any = None, actor: str | None = None) -> Entry:
    """Append one entry inside an open transaction (creating the table if needed), so the
    entry and the change it records commit or roll back together."""
    create_tables(conn, METADATA)
    return AuditLog._append(conn, action, subject, before, after, actor)


def log_change(root: Path, action: str, subject: str, before: Any = None, after: Any = None,
               actor: str | None = None) -> Entry:
    """Append one entry to the audit log of the case at ``root``."""
    with AuditLog.for_case(root) as log:
        return log.append(action, subject, before, after, actor)
