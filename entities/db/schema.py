"""Creating the program's tables, safely when several processes start at once.

PostgreSQL answers two simultaneous ``CREATE TABLE`` of the same table with a unique
violation in its catalogue (``pg_type``), so every creation takes one transaction-level
advisory lock first: the second process waits, then finds the tables there. SQLite
serialises writers by itself.
"""

from __future__ import annotations

from sqlalchemy import Connection, MetaData, Table, text
from sqlalchemy.engine import Engine

#: The advisory lock key of table creation (any constant shared by every process).
SCHEMA_LOCK = 0x5A4C710C


def create_tables(bind: Engine | Connection, *schema: Table | MetaData) -> None:
    """Create the missing tables of ``schema``. With an engine this is its own short
    transaction; with a connection it joins the connection's transaction (and, on
    PostgreSQL, holds the lock until that transaction ends)."""
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            _create(conn, schema)
    else:
        _create(bind, schema)


def _create(conn: Connection, schema: tuple[Table | MetaData, ...]) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
    for item in schema:
        if isinstance(item, MetaData):
            item.create_all(conn, checkfirst=True)
        else:
            item.create(conn, checkfirst=True)
