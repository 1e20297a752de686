"""``dossier db migrate``: move a case's database from SQLite to PostgreSQL (or any
database SQLAlchemy reaches) without loss.

Every table is created in the target with the project's own definitions (nomenklatura's
statement and resolver tables, the screening, audit and evidence-file tables) and every
row copied in one transaction; the row counts are compared afterwards. The target must
not hold any of these tables' rows yet. The audit log is copied as it is (its chain stays
valid) and then records the migration.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from followthemoney import StatementEntity
from nomenklatura.db import close_db, make_session, make_statement_table
from nomenklatura.resolver import Resolver
from sqlalchemy import MetaData, Table, create_engine, func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from entities.db import audit, evidence_files
from entities.db import screening as results
from entities.db.schema import create_tables
from entities.exc import StoreError
from entities.settings import STATE_DIR, prepare_database

BATCH = 1000


def _target_tables(engine: Engine) -> list[Table]:
    """Create every table in the target; return them in copy order."""
    statements = make_statement_table(MetaData())
    url = str(engine.url.render_as_string(hide_password=False))
    session = make_session(url)
    try:
        resolver_table = Resolver[StatementEntity](session)._table
    finally:
        session.close()
        close_db(url)
    schema = (results.METADATA, audit.METADATA, evidence_files.METADATA)
    create_tables(engine, statements, resolver_table, *schema)
    out = [statements, resolver_table]
    for metadata in schema:
        out += list(metadata.sorted_tables)
    return out


def migrate(root: Path, target_url: str,
            progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy the case's SQLite database into ``target_url``; return rows per table.

    Raises:
        StoreError: the source is missing, the target is not empty or unreachable, or the
            copy does not match (nothing is kept in the target then).
    """
    source_file = root / STATE_DIR / "case.db"
    if not source_file.is_file():
        raise StoreError(f"{root} has no SQLite database to migrate ({source_file}); "
                         "build the case first")
    if target_url.startswith(("postgresql://", "postgres://")):
        target_url = "postgresql+psycopg://" + target_url.split("://", 1)[1]
    source = create_engine(f"sqlite:///{source_file.resolve().as_posix()}")
    target = create_engine(prepare_database(target_url))
    try:
        tables = _target_tables(target)
        present = set(inspect(source).get_table_names())
        counts: dict[str, int] = {}
        with target.begin() as out:
            for table in tables:
                if out.execute(select(func.count()).select_from(table)).scalar():
                    raise StoreError(f"the target database's table {table.name} is not "
                                     "empty; migrate into a new, empty database")
            with source.connect() as src:
                for table in tables:
                    if table.name not in present:
                        counts[table.name] = 0
                        continue
                    columns = [c.name for c in table.columns]
                    source_table = Table(table.name, MetaData(), autoload_with=src)
                    wanted = [source_table.c[c] for c in columns if c in source_table.c]
                    copied = 0
                    batch = []
                    for row in src.execute(select(*wanted)).mappings():
                        batch.append(dict(row))
                        if len(batch) >= BATCH:
                            out.execute(table.insert(), batch)
                            copied += len(batch)
                            batch = []
                    if batch:
                        out.execute(table.insert(), batch)
                        copied += len(batch)
                    counts[table.name] = copied
                    if progress is not None:
                        progress(table.name, copied)
            for table in tables:
                stored = out.execute(select(func.count()).select_from(table)).scalar()
                if stored != counts[table.name]:
                    raise StoreError(f"copying {table.name} gave {stored} rows instead of "
                                     f"{counts[table.name]}; nothing was kept")
            where = target.url.render_as_string(hide_password=True)
            audit.append_in(out, "db-migrate", where, {"database": "sqlite"},
                            {"rows": counts})
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot migrate the case database: {exc}") from exc
    finally:
        source.dispose()
        target.dispose()
    return counts
