"""``dossier db migrate``: move a case's database from SQLite to PostgreSQL (or any
database SQLAlchemy reaches) without loss.

Opening the target as a :class:`CaseDatabase` creates every table the program uses; each
table is then copied row by row, as it exists in the source (whoever defined it: ours or
nomenklatura's resolver), in one transaction, and the row counts are compared. The
target must not hold any rows yet. The audit log is copied as it is (its chain stays
valid) and then records the migration.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, inspect, select

from entities.db.audit import AuditLog
from entities.db.database import TABLES, CaseDatabase, safe_url
from entities.exc import StoreError
from entities.progress import QUIET, Progress
from entities.settings import STATE_DIR, driver_url

BATCH = 1000


def migrate(root: Path, target_url: str, progress: Progress = QUIET) -> dict[str, int]:
    """Copy the case's SQLite database into ``target_url``; return rows per table.

    Raises:
        StoreError: the source is missing, the target is not empty or unreachable, or the
            copy does not match (nothing is kept in the target then).
    """
    source_file = root / STATE_DIR / "case.db"
    if not source_file.is_file():
        raise StoreError(f"{root} has no SQLite database to migrate ({source_file}); "
                         "build the case first")
    with CaseDatabase(f"sqlite:///{source_file.resolve().as_posix()}") as source, \
            CaseDatabase(driver_url(target_url)) as target:
        with source.transaction("read the case database") as src:
            present = set(inspect(src).get_table_names())
        counts: dict[str, int] = {}
        with target.transaction("migrate the case database", write=True) as out:
            tables = {name: target.reflect(name) for name in TABLES}
            for table in tables.values():
                if out.execute(select(func.count()).select_from(table)).scalar():
                    raise StoreError(f"the target database's table {table.name} is not "
                                     "empty; migrate into a new, empty database")
            for name, table in tables.items():
                counts[name] = 0
                if name not in present:
                    continue
                original = source.reflect(name)
                columns = [original.c[c.name] for c in table.columns if c.name in original.c]
                progress.step(f"copying {name}")
                with source.transaction("read the case database") as src:
                    batch = []
                    for row in src.execute(select(*columns)).mappings():
                        batch.append(dict(row))
                        if len(batch) >= BATCH:
                            out.execute(table.insert(), batch)
                            counts[name] += len(batch)
                            progress.update(counts[name])
                            batch = []
                    if batch:
                        out.execute(table.insert(), batch)
                        counts[name] += len(batch)
            for name, table in tables.items():
                stored = out.execute(select(func.count()).select_from(table)).scalar()
                if stored != counts[name]:
                    raise StoreError(f"copying {name} gave {stored} rows instead of "
                                     f"{counts[name]}; nothing was kept")
            AuditLog(target).append("db-migrate", safe_url(target.url),
                                    {"database": "sqlite"}, {"rows": counts})
    return counts
