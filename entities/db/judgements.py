"""Identity judgements (nomenklatura's resolver, in the case database) and canonical
entities.

Judgements (same / different / unsure, with who and when) live in the resolver table of
the case database, beside the statements, and every one is audit-logged in the same
transaction. Builds apply them through a :class:`~nomenklatura.resolver.Linker` (the
positive judgements only, held in memory): every statement of records judged the same
gets the cluster's canonical id (``NK-…``), references are rewritten, and the merged
entity keeps every statement with its own origin.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from followthemoney import Dataset, Statement, StatementEntity, registry
from nomenklatura.judgement import Judgement
from nomenklatura.resolver import Edge, Linker

from entities.db.audit import AuditLog
from entities.exc import InvalidCase, Problem
from entities.files import atomic_file

if TYPE_CHECKING:
    from entities.db.database import CaseDatabase

JUDGEMENTS = {"same": Judgement.POSITIVE, "different": Judgement.NEGATIVE,
              "unsure": Judgement.UNSURE}
#: The user recorded with the merges ``dossier dedupe`` makes by itself.
AUTO_USER = "dossier:auto"


class Judgements:
    """The identity judgements of the cases in one :class:`CaseDatabase`."""

    def __init__(self, db: CaseDatabase):
        self.db = db
        self.audit = AuditLog(db)

    def judgement_of(self, left: str, right: str) -> str | None:
        """``positive``, ``negative`` or ``None`` for a pair (unsure counts as none)."""
        value = self.db.resolver.get_judgement(left, right)
        if value == Judgement.POSITIVE:
            return "positive"
        if value == Judgement.NEGATIVE:
            return "negative"
        return None

    def judged(self, left: str, right: str) -> bool:
        """Whether any judgement (unsure included) covers the pair."""
        return self.db.resolver.get_judgement(left, right) != Judgement.NO_JUDGEMENT

    def record(self, left: str, right: str, verdict: str, user: str) -> None:
        """Store a verdict (``same``, ``different``, ``unsure``) for a pair, with its audit
        entry, in one transaction (committed unless an outer transaction is open)."""
        with self.db.transaction("write the identity judgements", write=True):
            before = self.judgement_of(left, right)
            self.db.resolver.decide(left, right, JUDGEMENTS[verdict], user=user)
            self.audit.append("judgement", f"{left} / {right}", {"judgement": before},
                              {"judgement": verdict}, actor=user)

    def linker(self) -> Linker[StatementEntity]:
        """The positive judgements as a linker (memory only, no database needed after)."""
        with self.db.transaction("read the identity judgements"):
            return self.db.resolver.get_linker()

    def dump(self, path: Path) -> int:
        """Write every judgement to a plain JSON-lines file; return the count."""
        with self.db.transaction("read the identity judgements"):
            edges = [e for e in self.db.resolver.all_edges()
                     if e.judgement != Judgement.NO_JUDGEMENT]
        with atomic_file(path) as fh:
            for edge in edges:
                fh.write(edge.to_line().encode("utf-8"))
        return len(edges)

    def load(self, path: Path) -> int:
        """Add the judgements of a file written by :meth:`dump`; return the count.

        Raises:
            InvalidCase: the file cannot be read, or a line is not a judgement (nothing is
                added then).
        """
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
        with self.db.transaction("write the identity judgements", write=True):
            self.db.resolver.load_edges(edges)
            self.audit.append("judgements-import", path.name, None, {
                "judgements": [[e.source.id, e.target.id, e.judgement.value] for e in edges]})
        return len(edges)


def merged_referents(linker: Linker[StatementEntity], entity_ids: Iterable[str]) -> set[str]:
    """Ids judged the same as any of ``entity_ids``, other than those ids."""
    ids = set(entity_ids)
    found: set[str] = set()
    for entity_id in ids:
        canonical = linker.get_canonical(entity_id)
        if canonical != entity_id:
            found |= linker.get_referents(canonical)
    return found - ids


def canonical_entities(dataset: Dataset, entities: Iterable[StatementEntity],
                       linker: Linker[StatementEntity],
                       extra: Iterable[Statement] = ()) -> list[StatementEntity]:
    """Entities with judged-same records merged under their canonical id, and every
    reference rewritten to the canonical id, sorted by id.

    ``extra`` adds statements of merged entities from elsewhere (imported data); each
    statement keeps its own dataset and origin.
    """
    known = {entity_id for entity_id, _ in linker.mappings()}
    kept: dict[str, StatementEntity] = {}
    groups: dict[str, list[Statement]] = {}
    for entity in entities:
        # an entity the judgements do not touch (not merged, pointing at nothing merged)
        # is already what merging would make of it
        if str(entity.id) not in known and \
                known.isdisjoint(entity.get_type_values(registry.entity)):
            kept[str(entity.id)] = entity
            continue
        for stmt in entity.statements:
            applied = linker.apply_statement(stmt)
            groups.setdefault(str(applied.canonical_id), []).append(applied)
    for stmt in extra:
        applied = linker.apply_statement(stmt)
        groups.setdefault(str(applied.canonical_id), []).append(applied)
    merged = {key: StatementEntity.from_statements(dataset, stmts)
              for key, stmts in groups.items()}
    return [kept[key] if key in kept else merged[key] for key in sorted({*kept, *merged})]
