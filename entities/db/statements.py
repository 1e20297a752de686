"""The case database: compiled statements in SQLite (default) or PostgreSQL.

The table is nomenklatura's statement table, so nomenklatura's ``SQLStore``
can read the same data for identity resolution. Each case is one dataset; a
rebuild replaces the dataset's statements in a single transaction, so a failed
or interrupted build leaves the previous statements intact.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from followthemoney import Dataset, Statement, StatementEntity
from nomenklatura.db import make_statement_table
from sqlalchemy import Insert, MetaData, create_engine, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from entities.db.schema import create_tables
from entities.exc import StoreError
from entities.settings import database_url, prepare_database

BATCH = 500


class CaseStore:
    """Statements of one or more cases in a SQL database."""

    def __init__(self, url: str):
        self.url = url
        try:
            self.engine: Engine = create_engine(prepare_database(url))
            self.table = make_statement_table(MetaData())
            create_tables(self.engine, self.table)
        except (SQLAlchemyError, OSError, ModuleNotFoundError) as exc:
            raise StoreError(f"cannot open the case database ({_safe(url)}): {exc}") from exc

    @classmethod
    def for_case(cls, root: Path) -> CaseStore:
        """The store of the case at ``root`` (honours ``DOSSIER_DATABASE_URL``)."""
        return cls(database_url(root))

    def replace(self, dataset: str, entities: Iterable[StatementEntity]) -> int:
        """Replace every statement of ``dataset`` atomically; return how many were written."""
        rows = (stmt for entity in entities for stmt in entity.statements)
        return self._replace(self.table.c.dataset == dataset, rows)

    def replace_origin(self, prefix: str, statements: Iterable[Statement]) -> int:
        """Replace the statements whose origin starts with ``prefix`` (one imported file)."""
        return self._replace(self.table.c.origin.startswith(prefix, autoescape=True),
                             statements)

    def _replace(self, condition: Any, statements: Iterable[Statement]) -> int:
        rows = (stmt.to_db_row() for stmt in statements)
        written = 0
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(self.table).where(condition))
                batch: list[dict[str, Any]] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= BATCH:
                        conn.execute(self._insert(), batch)
                        written += len(batch)
                        batch = []
                if batch:
                    conn.execute(self._insert(), batch)
                    written += len(batch)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to the case database: {exc}") from exc
        return written

    def _insert(self) -> Insert:
        """An insert that skips statements already stored (same statement id)."""
        if self.engine.dialect.name == "sqlite":
            return sqlite_insert(self.table).on_conflict_do_nothing()
        if self.engine.dialect.name == "postgresql":
            return pg_insert(self.table).on_conflict_do_nothing()
        return self.table.insert()

    def statements(self, dataset: str) -> Iterator[Statement]:
        """Statements of ``dataset`` ordered by entity."""
        query = (select(self.table).where(self.table.c.dataset == dataset)
                 .order_by(self.table.c.canonical_id, self.table.c.id))
        try:
            with self.engine.connect() as conn:
                for row in conn.execute(query):
                    yield Statement.from_db_row(row)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot read the case database: {exc}") from exc

    def statements_of(self, entity_ids: Iterable[str]) -> list[Statement]:
        """Every stored statement of the given entities (any dataset)."""
        ids = sorted(set(entity_ids))
        out: list[Statement] = []
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                query = select(self.table).where(self.table.c.entity_id.in_(
                    ids[start:start + 500]))
                out.extend(Statement.from_db_row(row) for row in conn.execute(query))
        return out

    def entities(self, dataset: Dataset) -> Iterator[StatementEntity]:
        """Entities of ``dataset`` rebuilt from the stored statements, by id."""
        current: list[Statement] = []
        for stmt in self.statements(dataset.name):
            if current and current[0].canonical_id != stmt.canonical_id:
                yield StatementEntity.from_statements(dataset, current)
                current = []
            current.append(stmt)
        if current:
            yield StatementEntity.from_statements(dataset, current)

    def external_datasets(self, case_id: str) -> dict[str, int]:
        """Entities per dataset imported into the store beside case ``case_id``."""
        return self._entities_per_dataset(self.table.c.dataset != case_id)

    def datasets_of_origin(self, prefix: str) -> dict[str, int]:
        """Entities per dataset among statements whose origin starts with ``prefix``."""
        return self._entities_per_dataset(self.table.c.origin.startswith(prefix,
                                                                         autoescape=True))

    def _entities_per_dataset(self, condition: Any) -> dict[str, int]:
        table = self.table
        query = (select(table.c.dataset, func.count(func.distinct(table.c.entity_id)))
                 .where(condition).group_by(table.c.dataset).order_by(table.c.dataset))
        with self.engine.connect() as conn:
            return {str(name): int(count) for name, count in conn.execute(query)}

    def count(self, dataset: str) -> int:
        """Number of statements stored for ``dataset``."""
        return self._count(self.table.c.dataset == dataset)

    def count_origin(self, prefix: str) -> int:
        """Number of statements whose origin starts with ``prefix``."""
        return self._count(self.table.c.origin.startswith(prefix, autoescape=True))

    def _count(self, condition: Any) -> int:
        query = select(func.count()).select_from(self.table).where(condition)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def close(self) -> None:
        self.engine.dispose()


def _safe(url: str) -> str:
    """A database URL without its password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url
