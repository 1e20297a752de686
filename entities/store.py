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
from sqlalchemy import MetaData, create_engine, delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from entities.exc import StoreError
from entities.settings import database_url

BATCH = 500


class CaseStore:
    """Statements of one or more cases in a SQL database."""

    def __init__(self, url: str):
        self.url = url
        try:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(url)
            self.table = make_statement_table(MetaData())
            self.table.create(bind=self.engine, checkfirst=True)
        except (SQLAlchemyError, OSError, ModuleNotFoundError) as exc:
            raise StoreError(f"cannot open the case database ({_safe(url)}): {exc}") from exc

    @classmethod
    def for_case(cls, root: Path) -> CaseStore:
        """The store of the case at ``root`` (honours ``DOSSIER_DATABASE_URL``)."""
        return cls(database_url(root))

    def replace(self, dataset: str, entities: Iterable[StatementEntity]) -> int:
        """Replace every statement of ``dataset`` atomically; return how many were written."""
        rows = (stmt.to_db_row() for entity in entities for stmt in entity.statements)
        written = 0
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(self.table).where(self.table.c.dataset == dataset))
                batch: list[dict[str, Any]] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= BATCH:
                        conn.execute(self.table.insert(), batch)
                        written += len(batch)
                        batch = []
                if batch:
                    conn.execute(self.table.insert(), batch)
                    written += len(batch)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write to the case database: {exc}") from exc
        return written

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

    def count(self, dataset: str) -> int:
        """Number of statements stored for ``dataset``."""
        query = select(func.count()).select_from(self.table).where(
            self.table.c.dataset == dataset)
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
