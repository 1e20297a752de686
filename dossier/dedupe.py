"""``dossier xref`` and ``dossier dedupe``: find duplicates, record and review judgements."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney import Dataset, EntityProxy, StatementEntity
from rich.table import Table

from entities.db.changes import open_case
from entities.db.database import CaseDatabase
from entities.db.judgements import AUTO_USER, Judgements
from entities.ftm.compile import compile_case
from entities.ftm.ids import record_id
from entities.ftm.reader import FtmReader
from entities.i18n.words import count
from entities.resolution.matching import PairResult
from entities.resolution.orgnames import alias_table
from entities.resolution.xref import LogicV2Scorer, XrefResult, xref

SHOWN_PROPS = ("name", "alias", "weakAlias", "birthDate", "birthPlace", "nationality",
               "gender", "position", "country", "idNumber", "passportNumber", "taxNumber",
               "innCode", "registrationNumber", "swiftBic", "address")


def read_ftm_file(path: Path) -> list[EntityProxy]:
    """Entities of an FtM JSON-lines file; a bad line is a located problem."""
    return list(FtmReader(path).entities())


def xref_file(path: Path, use_index: bool | None = None) -> XrefResult:
    """Resolve duplicates inside any FtM file (no judgements, nothing stored)."""
    return xref(read_ftm_file(path), aliases=alias_table(), scorer=LogicV2Scorer(),
                use_index=use_index)


@dataclass
class CaseDedupe:
    """Result of a case dedupe, and the entities it looked at."""

    result: XrefResult
    entities: dict[str, EntityProxy]
    recorded: int
    #: review pairs stored as nomenklatura suggestions (``Resolver.suggest``), so that
    #: nomenklatura's own review screen can judge them too
    suggested: int = 0
    #: FtM id → the record's id in the case (``p-thug``), for what is shown to people
    labels: dict[str, str] = field(default_factory=dict)


def case_entities(db: CaseDatabase, case_id: str, entities: list[StatementEntity]
                  ) -> tuple[list[StatementEntity], frozenset[str]]:
    """The case's own entities plus everything imported into its database, and the
    names of the imported datasets."""
    store = db.statements
    external = store.external_datasets(case_id)
    out = list(entities)
    for name in external:
        out.extend(store.entities(Dataset.make({"name": name, "title": name})))
    return out, frozenset(external)


def dedupe_case(root: Path, use_index: bool | None = None) -> CaseDedupe:
    """Resolve the case's entities; record automatic merges as judgements."""
    case = open_case(root)
    with CaseDatabase.for_case(case.root) as db:
        entities, external = case_entities(db, case.meta.id, compile_case(case))
        judgements = Judgements(db)
        result = xref(entities, aliases=alias_table(case.root), scorer=LogicV2Scorer(),
                      judge=judgements.judgement_of, use_index=use_index,
                      skip_same_dataset=external)
        recorded = suggested = 0
        with db.transaction("record the automatic merges", write=True):  # all of them, or none
            for pair in result.pairs:
                if pair.decision == "merge" and judgements.judgement_of(
                        pair.left, pair.right) is None:
                    judgements.record(pair.left, pair.right, "same", AUTO_USER)
                    recorded += 1
                elif pair.decision == "review" and not judgements.judged(pair.left,
                                                                        pair.right):
                    db.resolver.suggest(pair.left, pair.right, pair.score, user=AUTO_USER)
                    suggested += 1
    labels = {record_id(case.meta.id_prefix, r.kind, r.id): r.id for r in case.records()}
    return CaseDedupe(result, {str(e.id): e for e in entities}, recorded, suggested, labels)


def summary(found: CaseDedupe) -> str:
    """``1 automatic merge recorded; 3 pairs to review`` (plurals by CLDR's rules)."""
    merges = count(found.recorded, "en", {"one": "{n} automatic merge recorded",
                                          "other": "{n} automatic merges recorded"})
    reviews = count(found.result.stats.get("review", 0), "en",
                    {"one": "{n} pair to review", "other": "{n} pairs to review"})
    return f"{merges}; {reviews}"


def result_json(result: XrefResult, include_distinct: bool = False) -> str:
    """The documented ``--json`` output."""
    return json.dumps(result.as_json("distinct" if include_distinct else "review"),
                      ensure_ascii=False, indent=1)


def pairs_table(result: XrefResult, entities: dict[str, EntityProxy], limit: int = 200,
                labels: dict[str, str] | None = None) -> Table:
    """Merge and review pairs as a terminal table, each side by its name and its id in
    the case (``labels``) or in the file it came from."""
    table = Table(title=f"{result.stats.get('merge', 0)} merge, "
                        f"{result.stats.get('review', 0)} review "
                        f"({result.stats.get('candidates', 0)} candidate pairs)")
    for column in ("decision", "score", "left", "right", "why"):
        table.add_column(column)
    shown = [p for p in result.pairs if p.decision != "distinct"][:limit]
    for pair in shown:
        table.add_row(pair.decision, f"{pair.score:.2f}",
                      _caption(entities, pair.left, labels or {}),
                      _caption(entities, pair.right, labels or {}), "; ".join(pair.reasons))
    return table


def _caption(entities: dict[str, EntityProxy], entity_id: str, labels: dict[str, str]
             ) -> str:
    entity = entities.get(entity_id)
    label = labels.get(entity_id, entity_id)
    return f"{entity.caption} ({label})" if entity is not None else label


@dataclass(frozen=True)
class Comparison:
    """One candidate pair property by property (what both review screens show)."""

    title: str
    left: str
    right: str
    rows: list[tuple[str, str, str]]


def comparison(pair: PairResult, entities: dict[str, EntityProxy],
               labels: dict[str, str] | None = None) -> Comparison:
    """The pair's score and reasons, each side's kind and id, and each property shown on
    either side, with where each side comes from."""
    left, right = entities[pair.left], entities[pair.right]
    labels = labels or {}
    rows = []
    for prop in SHOWN_PROPS:
        a, b = left.get(prop, quiet=True), right.get(prop, quiet=True)
        if a or b:
            rows.append((prop, "\n".join(a), "\n".join(b)))
    rows.append(("sources", _sources(left), _sources(right)))
    return Comparison(f"score {pair.score:.2f} — {'; '.join(pair.reasons)}",
                      f"{left.schema.name} {labels.get(pair.left, pair.left)}",
                      f"{right.schema.name} {labels.get(pair.right, pair.right)}", rows)


def side_by_side(pair: PairResult, entities: dict[str, EntityProxy],
                 labels: dict[str, str] | None = None) -> Table:
    """One candidate pair, property by property, as a terminal table."""
    shown = comparison(pair, entities, labels)
    table = Table(title=shown.title)
    for column in ("", shown.left, shown.right):
        table.add_column(column)
    for row in shown.rows:
        table.add_row(*row)
    return table


def record_judgement(root: Path, left: str, right: str, verdict: str, user: str) -> None:
    """Store one identity judgement (``same``, ``different``, ``unsure``) with its audit
    entry, as the review loop does."""
    with CaseDatabase.for_case(root) as db:
        Judgements(db).record(left, right, verdict, user)


def _sources(entity: EntityProxy) -> str:
    origins: set[str] = set()
    for stmt in getattr(entity, "statements", []):
        if stmt.origin:
            origins.add(stmt.origin.rsplit(":", 1)[0])
    datasets = ", ".join(sorted(getattr(entity, "datasets", []) or []))
    return "\n".join(sorted(origins)[:5]) + (f"\n[{datasets}]" if datasets else "")


Ask = Callable[[PairResult, Table], str]


def review_pairs(root: Path, dedupe: CaseDedupe, ask: Ask, user: str) -> dict[str, int]:
    """Present each review pair; record same / different / unsure; skip or quit."""
    counts = {"same": 0, "different": 0, "unsure": 0, "skip": 0}
    with CaseDatabase.for_case(root) as db:
        judgements = Judgements(db)
        for pair in dedupe.result.pairs:
            if pair.decision != "review" or judgements.judged(pair.left, pair.right):
                continue
            answer = ask(pair, side_by_side(pair, dedupe.entities, dedupe.labels))
            if answer == "quit":
                break
            if answer == "skip":
                counts["skip"] += 1
                continue
            judgements.record(pair.left, pair.right, answer, user)  # committed at once
            counts[answer] += 1
    return counts

