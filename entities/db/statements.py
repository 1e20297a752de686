"""The case's FollowTheMoney statements, in nomenklatura's statement table.

nomenklatura's own tools can read the same table. Each case is one dataset; a rebuild
replaces the dataset's statements in one transaction, so a failed or interrupted build
leaves the previous statements intact. Imported FtM files live beside them, each
replaced by the prefix of its statements' origin (``file.ftm.json:``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from followthemoney import Dataset, Statement, StatementEntity
from nomenklatura.db import dialect_insert
from sqlalchemy import delete, func, select

from entities.db.database import STATEMENT_DIGESTS, STATEMENT_SEEN, STATEMENTS

if TYPE_CHECKING:
    from entities.db.database import CaseDatabase

BATCH = 500


class StatementStore:
    """Statements of the cases and imports in one :class:`CaseDatabase`."""

    def __init__(self, db: CaseDatabase):
        self.db = db
        self.table = STATEMENTS

    def replace(self, dataset: str, entities: Iterable[StatementEntity]) -> int:
        """Replace every statement of ``dataset`` atomically; return how many were written
        (the entities' digests are forgotten: the next build rewrites them all)."""
        rows = (stmt for entity in entities for stmt in entity.statements)
        with self.db.transaction("write to the case database", write=True) as conn:
            conn.execute(delete(STATEMENT_DIGESTS).where(
                STATEMENT_DIGESTS.c.case_id == dataset))
            return self._replace(self.table.c.dataset == dataset, rows)

    def sync(self, dataset: str, digests: Iterable[tuple[str, str]],
             rows: Callable[[set[str]], Iterable[dict[str, Any]]]) -> tuple[int, int]:
        """Make the statements of case ``dataset`` those of its entities as compiled now,
        writing only what changed, in one transaction: ``digests`` gives each entity's id
        and a digest of its statements, ``rows(ids)`` the statements (as table rows,
        :meth:`Statement.to_db_row`) of the entities ``ids``. An entity whose digest is
        the one stored keeps its statements; the statements of one that changed are
        replaced, those of one that is gone deleted. Without stored digests (a database
        written before they were kept) every statement of ``dataset`` is replaced.
        Returns the statements written and the entities whose statements were removed.
        """
        table = STATEMENT_DIGESTS
        with self.db.transaction("write to the case database", write=True) as conn:
            stored = {str(e): str(d) for e, d in conn.execute(
                select(table.c.entity_id, table.c.digest).where(table.c.case_id == dataset))}
            new = dict(digests)
            changed = {e for e, d in new.items() if stored.get(e) != d}
            gone = set(stored) - set(new)
            if not stored:
                conn.execute(delete(self.table).where(self.table.c.dataset == dataset))
            else:
                for chunk in _chunks(sorted(changed | gone)):
                    conn.execute(delete(self.table).where(
                        self.table.c.dataset == dataset, self.table.c.entity_id.in_(chunk)))
            for chunk in _chunks(sorted((changed | gone) & set(stored))):
                conn.execute(delete(table).where(table.c.case_id == dataset,
                                                 table.c.entity_id.in_(chunk)))
            written = self._insert(conn, rows(changed))
            insert = dialect_insert(self.db.engine.dialect, table)
            for chunk in _chunks(sorted(changed)):
                conn.execute(insert, [{"case_id": dataset, "entity_id": e,
                                       "digest": new[e]} for e in chunk])
        return written, len(gone)

    def replace_origin(self, prefix: str, statements: Iterable[Statement]) -> int:
        """Replace the statements whose origin starts with ``prefix`` (one imported file)."""
        return self._replace(self.table.c.origin.startswith(prefix, autoescape=True),
                             statements)

    def _replace(self, condition: Any, statements: Iterable[Statement]) -> int:
        return self._write(condition, (stmt.to_db_row() for stmt in statements))

    def _write(self, condition: Any, rows: Iterable[dict[str, Any]]) -> int:
        with self.db.transaction("write to the case database", write=True) as conn:
            conn.execute(delete(self.table).where(condition))
            return self._insert(conn, rows)

    def _insert(self, conn: Any, rows: Iterable[dict[str, Any]]) -> int:
        insert = dialect_insert(self.db.engine.dialect, self.table).on_conflict_do_nothing()
        written = 0
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                conn.execute(insert, batch)
                written += len(batch)
                batch = []
        if batch:
            conn.execute(insert, batch)
            written += len(batch)
        return written

    def statements(self, dataset: str) -> Iterator[Statement]:
        """Statements of ``dataset`` ordered by entity, streamed (the read transaction
        lasts until the last one is taken)."""
        query = (select(self.table).where(self.table.c.dataset == dataset)
                 .order_by(self.table.c.canonical_id, self.table.c.id))
        with self.db.transaction("read the case database") as conn:
            for row in conn.execute(query.execution_options(yield_per=BATCH)):
                yield Statement.from_db_row(row)

    def statements_of(self, entity_ids: Iterable[str]) -> list[Statement]:
        """Every stored statement of the given entities (any dataset)."""
        ids = sorted(set(entity_ids))
        out: list[Statement] = []
        with self.db.transaction("read the case database") as conn:
            for start in range(0, len(ids), BATCH):
                query = select(self.table).where(self.table.c.entity_id.in_(
                    ids[start:start + BATCH]))
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

    def first_seen(self, case_id: str) -> dict[str, str]:
        """When each statement id of the case's outputs was first seen."""
        table = STATEMENT_SEEN
        query = select(table.c.statement_id, table.c.first_seen).where(
            table.c.case_id == case_id)
        with self.db.transaction("read when statements were first seen") as conn:
            # a few build times for a million ids: each time held once
            return {str(i): sys.intern(str(t)) for i, t in conn.execute(query)}

    def remember_seen(self, case_id: str, seen: dict[str, str]) -> int:
        """Record statement ids first seen now (an id already recorded keeps its time),
        a batch of rows at a time."""
        insert = dialect_insert(self.db.engine.dialect, STATEMENT_SEEN).on_conflict_do_nothing()
        ids = sorted(seen)
        with self.db.transaction("record when statements were first seen", write=True) as conn:
            for start in range(0, len(ids), BATCH):
                conn.execute(insert, [{"case_id": case_id, "statement_id": i,
                                       "first_seen": seen[i]}
                                      for i in ids[start:start + BATCH]])
        return len(ids)

    def schemata_of_origin(self, prefix: str) -> dict[str, dict[str, list[str]]]:
        """For each entity id of the statements whose origin starts with ``prefix`` that
        has statements of more than one schema anywhere in the database: schema → the
        origins that state it."""
        table = self.table
        mine = select(table.c.entity_id).where(
            table.c.origin.startswith(prefix, autoescape=True)).distinct()
        mixed = (select(table.c.entity_id).where(table.c.entity_id.in_(mine))
                 .group_by(table.c.entity_id)
                 .having(func.count(func.distinct(table.c.schema)) > 1))
        query = (select(table.c.entity_id, table.c.schema, table.c.origin)
                 .where(table.c.entity_id.in_(mixed)).distinct())
        out: dict[str, dict[str, list[str]]] = {}
        with self.db.transaction("read the case database") as conn:
            for entity_id, schema, origin in conn.execute(query):
                out.setdefault(str(entity_id), {}).setdefault(str(schema), []).append(
                    str(origin or ""))
        return out

    def _entities_per_dataset(self, condition: Any) -> dict[str, int]:
        table = self.table
        query = (select(table.c.dataset, func.count(func.distinct(table.c.entity_id)))
                 .where(condition).group_by(table.c.dataset).order_by(table.c.dataset))
        with self.db.transaction("read the case database") as conn:
            return {str(name): int(count) for name, count in conn.execute(query)}

    def count(self, dataset: str) -> int:
        """Number of statements stored for ``dataset``."""
        return self._count(self.table.c.dataset == dataset)

    def count_origin(self, prefix: str) -> int:
        """Number of statements whose origin starts with ``prefix``."""
        return self._count(self.table.c.origin.startswith(prefix, autoescape=True))

    def _count(self, condition: Any) -> int:
        query = select(func.count()).select_from(self.table).where(condition)
        with self.db.transaction("read the case database") as conn:
            return int(conn.execute(query).scalar_one())


def _chunks(items: list[str]) -> Iterator[list[str]]:
    """``items`` in pieces small enough for one ``IN (...)`` each."""
    for start in range(0, len(items), BATCH):
        yield items[start:start + BATCH]
