"""Stored identity judgements (nomenklatura's resolver, in the case database) and
canonical entities.

Judgements (same / different / unsure, with who and when) live in the resolver table of
the case database, beside the statements. Builds apply them: every statement of records
judged the same gets the cluster's canonical id (``NK-…``), references are rewritten,
and the merged entity keeps every statement with its own origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from followthemoney import Dataset, Statement, StatementEntity
from nomenklatura.db import close_db, make_session
from nomenklatura.judgement import Judgement
from nomenklatura.resolver import Resolver
from sqlalchemy.exc import SQLAlchemyError

from entities.db.audit import append_in
from entities.db.schema import create_tables
from entities.exc import InvalidCase, Problem, StoreError
from entities.settings import database_url, prepare_database

JUDGEMENTS = {"same": Judgement.POSITIVE, "different": Judgement.NEGATIVE,
              "unsure": Judgement.UNSURE}
AUTO_USER = "dossier:auto"


@contextmanager
def case_resolver(root: Path) -> Iterator[Resolver[StatementEntity]]:
    """The resolver of the case at ``root`` (created on first use); commits on success."""
    url = prepare_database(database_url(root))
    try:
        session = make_session(url)
        resolver = Resolver[StatementEntity](session)
        create_tables(session.connection, resolver._table)
        session.checkpoint()  # the table exists for everyone; the lock is released
        resolver.load_into_memory()
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"cannot open the judgements in the case database: {exc}") from exc
    try:
        yield resolver
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        close_db(url)  # nomenklatura caches engines; release their connections


def commit(resolver: Resolver[StatementEntity]) -> None:
    """Save the judgements recorded so far (so a review can stop at any moment)."""
    resolver._session.commit()


def judgement_of(resolver: Resolver[StatementEntity], left: str, right: str) -> str | None:
    """``positive``, ``negative`` or ``None`` for a pair (unsure counts as none)."""
    value = resolver.get_judgement(left, right)
    if value == Judgement.POSITIVE:
        return "positive"
    if value == Judgement.NEGATIVE:
        return "negative"
    return None


def record(resolver: Resolver[StatementEntity], left: str, right: str, verdict: str,
           user: str) -> None:
    """Store a verdict (``same``, ``different``, ``unsure``) for a pair (audit-logged in
    the same transaction)."""
    before = judgement_of(resolver, left, right)
    resolver.decide(left, right, JUDGEMENTS[verdict], user=user)
    append_in(resolver._session.connection, "judgement", f"{left} / {right}",
              {"judgement": before}, {"judgement": verdict}, actor=user)


def merged_referents(resolver: Resolver[StatementEntity], entity_ids: set[str]
                     ) -> set[str]:
    """Ids judged the same as any of ``entity_ids``, other than those ids."""
    found: set[str] = set()
    for entity_id in entity_ids:
        canonical = resolver.get_canonical(entity_id)
        if canonical != entity_id:
            found |= resolver.get_referents(canonical)
    return found - entity_ids


def canonical_entities(dataset: Dataset, entities: Iterable[StatementEntity],
                       resolver: Resolver[StatementEntity],
                       extra: Iterable[Statement] = ()) -> list[StatementEntity]:
    """Entities with judged-same records merged under their canonical id, sorted by id.

    ``extra`` adds statements of merged entities from elsewhere (imported data); each
    statement keeps its own dataset and origin.
    """
    groups: dict[str, list[Statement]] = {}
    statements = [s for entity in entities for s in entity.statements]
    for stmt in [*statements, *extra]:
        applied = resolver.apply_statement(stmt)
        groups.setdefault(str(applied.canonical_id), []).append(applied)
    return [StatementEntity.from_statements(dataset, groups[key]) for key in sorted(groups)]


def dump_judgements(root: Path, path: Path) -> int:
    """Write every judgement of the case to a plain JSON-lines file; return the count."""
    with case_resolver(root) as resolver:
        edges = [e for e in resolver.all_edges() if e.judgement != Judgement.NO_JUDGEMENT]
        from entities.files import atomic_file

        with atomic_file(path) as fh:
            for edge in edges:
                fh.write(edge.to_line().encode("utf-8"))
    return len(edges)


def load_judgements(root: Path, path: Path) -> int:
    """Add the judgements of a file written by :func:`dump_judgements`; return the count."""
    from nomenklatura.resolver import Edge

    edges, problems = [], []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidCase([Problem(path.name, 0, "", f"cannot be read ({exc})")]) from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            edges.append(Edge.from_line(line))
        except (ValueError, KeyError, TypeError, IndexError):
            problems.append(Problem(path.name, number, "", "is not a judgement written by "
                                    "'dossier judgements --export'"))
    if problems:
        raise InvalidCase(problems)
    with case_resolver(root) as resolver:
        resolver.load_edges(edges)
        append_in(resolver._session.connection, "judgements-import", path.name, None,
                  {"judgements": [[e.source.id, e.target.id, e.judgement.value]
                                  for e in edges]})
    return len(edges)
