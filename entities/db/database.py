"""The case database: one engine, one session and every table, per command.

A command opens one :class:`CaseDatabase` (SQLite in the case folder by default,
PostgreSQL through ``DOSSIER_DATABASE_URL``) and every store works through it: the
statements, the audit log, the evidence-file register, the screening results and
nomenklatura's resolver share one connection (nomenklatura's :class:`Session`), so they
commit on one cadence and an audit entry always commits with the change it records.

This is the one place that creates tables (all of them, on opening; on PostgreSQL under
an advisory lock, so that two processes opening a new database at once take turns) and
the one place that turns driver errors into :class:`~entities.exc.StoreError`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from followthemoney import StatementEntity
from nomenklatura.db import Session, make_statement_table
from nomenklatura.resolver import Resolver
from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    text,
)
from sqlalchemy.engine import Connection, create_engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from entities.exc import StoreError
from entities.settings import database_url

if TYPE_CHECKING:
    from entities.db.audit import AuditLog
    from entities.db.screening import ScreeningStore
    from entities.db.statements import StatementStore

#: Every table of the program except nomenklatura's resolver (which nomenklatura defines).
METADATA = MetaData()
STATEMENTS = make_statement_table(METADATA)
AUDIT_LOG = Table(
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
EVIDENCE_FILES = Table(
    "evidence_file", METADATA,
    Column("case_id", String(255), primary_key=True),
    Column("path", String(1024), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("registered_at", String(32), nullable=False),
)
#: The evidentiary copy of each evidence file: the hash it had when first registered, kept
#: whatever the file becomes (its bytes under ``.dossier/originals/<sha256>`` when
#: ``preserved``).
EVIDENCE_ORIGINALS = Table(
    "evidence_original", METADATA,
    Column("case_id", String(255), primary_key=True),
    Column("path", String(1024), primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("registered_at", String(32), nullable=False),
    Column("preserved", Integer, nullable=False, server_default="0"),
)
#: RFC 3161 timestamp tokens: a trusted authority's signed word that a hash existed at a
#: time (an evidence file's, or the audit log's head).
TIMESTAMPS = Table(
    "timestamp_token", METADATA,
    Column("case_id", String(255), primary_key=True),
    Column("subject", String(1024), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("token", Text, nullable=False),
    Column("tsa", String(1024), nullable=False),
    Column("stamped_at", String(64), nullable=False),
)
SCREENING_RUNS = Table(
    "screening_run", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(255), nullable=False, index=True),
    Column("list_name", String(1024), nullable=False),
    Column("list_sha256", String(64), nullable=False),
    Column("mode", String(16), nullable=False),
    Column("entries", Integer, nullable=False),
    Column("countries", Text, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("screened_at", String(32), nullable=False),
    Column("targets", Text, nullable=False),
    #: the date of the list's contents (its own metadata, or --as-of); "" unknown
    Column("list_date", String(32), nullable=False, server_default=""),
)
SCREENING_MATCHES = Table(
    "screening_match", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("screening_run.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("target", String(255), nullable=False),
    Column("match_id", String(1024), nullable=False),
    Column("score", Float, nullable=False),
    Column("data", Text, nullable=False),
)
SCREENING_DECISIONS = Table(
    "screening_decision", METADATA,
    Column("case_id", String(255), primary_key=True),
    Column("target", String(255), primary_key=True),
    Column("match_id", String(1024), primary_key=True),
    Column("decision", String(16), nullable=False),
    Column("decided_by", String(255), nullable=False),
    Column("decided_at", String(32), nullable=False),
)
#: When each statement of a case's outputs was first seen (first_seen, last_change).
STATEMENT_SEEN = Table(
    "statement_seen", METADATA,
    Column("case_id", String(255), primary_key=True),
    Column("statement_id", String(255), primary_key=True),
    Column("first_seen", String(32), nullable=False),
)
#: A digest of each of a case's entities as its statements were last stored, so that a
#: rebuild rewrites only the statements of entities that changed (and removes those gone)
STATEMENT_DIGESTS = Table(
    "statement_digest", METADATA,
    Column("case_id", String(255), primary_key=True),
    Column("entity_id", String(255), primary_key=True),
    Column("digest", String(64), nullable=False),
)
#: The team's accounts (dossier serve --team): an argon2 hash, never the password, and
#: the failed sign-ins counted towards a lock-out.
ACCOUNTS = Table(
    "account", METADATA,
    Column("username", String(255), primary_key=True),
    Column("password_hash", Text, nullable=False),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("locked_until", String(32), nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
)
#: Each account's role in each case, and the highest audience it may see there.
GRANTS = Table(
    "account_grant", METADATA,
    Column("case_id", String(255), primary_key=True),
    Column("username", String(255), ForeignKey("account.username", ondelete="CASCADE"),
           primary_key=True),
    Column("role", String(16), nullable=False),
    Column("audience", String(16), nullable=False),
    Column("granted_by", String(255), nullable=False),
    Column("granted_at", String(32), nullable=False),
)
#: The name of nomenklatura's resolver table (identity judgements).
RESOLVER_TABLE = "resolver"
#: Every table, in the order a copy must fill them (referenced tables first).
TABLES = (*(t.name for t in METADATA.sorted_tables), RESOLVER_TABLE)
#: The advisory lock key of table creation (any constant shared by every process).
SCHEMA_LOCK = 0x5A4C710C
#: How long a command waits for another to finish with a SQLite database before giving
#: up (PostgreSQL commands take turns on their own, through its locks).
SQLITE_WAIT_SECONDS = 30 * 60


def _say_waiting(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def safe_url(url: str) -> str:
    """A database URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url


class CaseDatabase:
    """The database of one or more cases (rows carry their case id), opened once per
    command; use it as a context manager, or call :meth:`close`.

    Raises:
        StoreError: the database cannot be opened, or its tables cannot be created.
    """

    def __init__(self, url: str, waiting: Callable[[str], None] = _say_waiting):
        self.url = url
        #: told once when the command has to wait for another one to finish
        self.waiting = waiting
        self._depth = 0
        self._resolver: Resolver[StatementEntity] | None = None
        self._loaded = False
        try:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            # SQLite: each statement waits up to 30 s for a lock; a write waits longer, and
            # says so (see _lock_for_writing)
            options = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
            self.engine = create_engine(url, **options)
            self.session = Session(self.engine)
        except (SQLAlchemyError, OSError, ModuleNotFoundError, ValueError) as exc:
            raise StoreError(f"cannot open the case database ({safe_url(url)}): {exc}") from exc
        try:
            with self.transaction("create the tables of the case database", write=True) as conn:
                if self.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                 {"key": SCHEMA_LOCK})
                METADATA.create_all(conn, checkfirst=True)
                _add_missing_columns(conn)
                self._resolver = Resolver[StatementEntity](self.session, create=True,
                                                           table_name=RESOLVER_TABLE)
        except StoreError as exc:
            self.close()
            raise StoreError(f"cannot open the case database ({safe_url(url)}): "
                             f"{exc.__cause__ or exc}") from exc

    @classmethod
    def for_case(cls, root: Path) -> CaseDatabase:
        """The database of the case at ``root`` (honours ``DOSSIER_DATABASE_URL``)."""
        return cls(database_url(root))

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return str(self.engine.dialect.name)

    @contextmanager
    def transaction(self, what: str = "use the case database", write: bool = False
                    ) -> Iterator[Connection]:
        """The connection, inside one transaction: committed when the outermost block ends
        without error, rolled back otherwise. Nested blocks join the outer transaction, so
        a change and its audit entry commit together. ``what`` names the work in the
        :class:`StoreError` a driver error becomes. A ``write`` transaction on SQLite
        takes the database's write lock first, waiting its turn behind another command
        (and saying so) rather than failing with "database is locked"."""
        outer = self._depth == 0
        self._depth += 1
        try:
            if outer and write and self.dialect == "sqlite":
                self._lock_for_writing()
            yield self.session.connection
            if outer:
                self.session.checkpoint()
        except SQLAlchemyError as exc:
            if outer:
                self.session.rollback()
            raise StoreError(f"cannot {what}: {exc}") from exc
        except BaseException:
            if outer:
                self.session.rollback()
            raise
        finally:
            self._depth -= 1

    def _lock_for_writing(self) -> None:
        """``BEGIN IMMEDIATE``: hold SQLite's write lock for the whole transaction, taken
        before any change, so that two commands writing one case take turns."""
        conn = self.session.connection
        started = time.monotonic()
        told = False
        conn.exec_driver_sql("PRAGMA busy_timeout = 1000")
        try:
            while True:
                try:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                    return
                except OperationalError as exc:
                    if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
                        raise
                    if time.monotonic() - started > SQLITE_WAIT_SECONDS:
                        waited = (f"{SQLITE_WAIT_SECONDS // 60} minutes"
                                  if SQLITE_WAIT_SECONDS >= 120
                                  else f"{SQLITE_WAIT_SECONDS} seconds")
                        raise StoreError("another command has been using the case database "
                                         f"for more than {waited}; try again when it has "
                                         "finished") from None
                    if not told:
                        self.waiting("The case database is in use by another command (a "
                                     "build or an import?); waiting for it to finish…")
                        told = True
                    conn.rollback()
        finally:
            conn.exec_driver_sql("PRAGMA busy_timeout = 30000")

    @property
    def resolver(self) -> Resolver[StatementEntity]:
        """nomenklatura's resolver on this database's session, its judgements loaded."""
        assert self._resolver is not None
        if not self._loaded:
            with self.transaction("read the identity judgements"):
                self._resolver.load_into_memory()
            self._loaded = True
        return self._resolver

    @property
    def statements(self) -> StatementStore:
        from entities.db.statements import StatementStore

        return StatementStore(self)

    @property
    def audit(self) -> AuditLog:
        from entities.db.audit import AuditLog

        return AuditLog(self)

    @property
    def screening(self) -> ScreeningStore:
        from entities.db.screening import ScreeningStore

        return ScreeningStore(self)

    def reflect(self, name: str) -> Table:
        """A table as it exists in this database (every column, whoever defined it)."""
        with self.transaction(f"read the table {name}") as conn:
            return Table(name, MetaData(), autoload_with=conn)

    def close(self) -> None:
        """Give the connection back (rolling back anything uncommitted) and the engine up."""
        session = getattr(self, "session", None)
        if session is not None:
            session.close()
        engine = getattr(self, "engine", None)
        if engine is not None:
            engine.dispose()

    def __enter__(self) -> CaseDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: columns added after a table was first released: (table, column, SQL type and default)
ADDED_COLUMNS = [("screening_run", "list_date", "VARCHAR(32) NOT NULL DEFAULT ''")]


def _add_missing_columns(conn: Connection) -> None:
    """Bring a database made by an older version up to date (create_all adds tables, not
    columns): add each column of :data:`ADDED_COLUMNS` it lacks."""
    inspector = inspect(conn)
    for table, column, sql in ADDED_COLUMNS:
        if column not in {c["name"] for c in inspector.get_columns(table)}:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql}"))
