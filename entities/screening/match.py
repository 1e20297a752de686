"""Screen one query entity against a list index: candidates from the index, scores from
nomenklatura's ``logic-v2`` matcher, explanations in words, designations attached.

logic-v2 is imported when the first candidate is scored, not before: importing
nomenklatura's matchers costs about 1.2 s (they bring scikit-learn), which a screening
with no candidate — most of a case's targets on most lists — need not pay."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

from followthemoney import EntityProxy, ValueEntity, model, registry

from entities.resolution.official_words import translated
from entities.resolution.orgnames import starter_table
from entities.screening.explain import explain
from entities.screening.index import ListIndex
from entities.screening.memo import ScoreMemo
from entities.screening.model import DEFAULT_THRESHOLD, Designation, Feature, Match

#: How many index candidates are scored per query.
CANDIDATES = 100
_QUERY_IDS = itertools.count(1)


def query_entity(schema: str, properties: dict[str, list[str]]) -> ValueEntity:
    """A query entity with a fresh id (the matcher caches by id; ids are never reused)."""
    schema_obj = model.get(schema)
    if schema_obj is None:
        raise ValueError(f"unknown schema {schema!r}")
    entity = ValueEntity(schema_obj, {"id": f"screening-query-{next(_QUERY_IDS)}"})
    for name, values in properties.items():
        prop = schema_obj.get(name)
        if prop is None or prop.type == registry.entity or not (prop.matchable or
                                                                  name == "weakAlias"):
            continue
        for value in values:
            entity.add(prop, value, quiet=True)
    return entity


@cache
def _logic_v2() -> tuple[Any, Any]:
    from nomenklatura.matching import LogicV2

    return LogicV2, LogicV2.default_config()


def score(query: EntityProxy, result: EntityProxy) -> tuple[float, dict[str, Feature]]:
    """logic-v2's score and its features (name → score, detail, the values compared)."""
    algorithm, config = _logic_v2()
    outcome = algorithm.compare(query, result, config)
    features = {name: Feature(float(exp.score), str(exp.detail or ""), exp.query,
                              exp.candidate)
                for name, exp in outcome.explanations.items()}
    return float(outcome.score), features


def scored_match(query: EntityProxy, entity: EntityProxy, original_id: str, value: float,
                 features: dict[str, Feature], sanctions: list[Designation],
                 source_list: str, datasets: list[str]) -> Match:
    agreed, conflicts = explain(query, entity, features)
    return Match(original_id, entity.caption, entity.schema.name, value, agreed, conflicts,
                 sanctions, source_list, datasets)


def also_known(entity: EntityProxy) -> list[str]:
    """For an organisation: its names word by word in English (when they are made of the
    common words of official names) and the names the alias table gives the same body;
    none for a person."""
    if entity.schema.is_a("Person"):
        return []
    names = [v for prop, v in entity.itervalues() if prop.type == registry.name]
    out: dict[str, None] = {}
    for name in names:
        for other in (translated(name), *starter_table().names_of(name)):
            if other and other not in names:
                out[other] = None
    return list(out)


def with_names(entity: EntityProxy, names: list[str]) -> EntityProxy:
    """A copy of ``entity`` with ``names`` added as aliases (for comparing only), under a
    fresh id: logic-v2 caches an entity's names by its id."""
    if not names:
        return entity
    copy = entity.clone()
    copy.id = f"{entity.id}+names-{next(_QUERY_IDS)}"
    for name in names:
        copy.add("alias", name, quiet=True)
    return copy


def screen_entity(index: ListIndex, query: EntityProxy, threshold: float = DEFAULT_THRESHOLD,
                  candidates: int = CANDIDATES, memo: ScoreMemo | None = None
                  ) -> list[Match]:
    """Matches of ``query`` in ``index`` at or above ``threshold``, best first. An
    organisation is also looked for, and compared, under :func:`also_known` names — on
    both sides — and a match found only so says so. Scores come from ``memo`` where it
    has them (see :mod:`entities.screening.memo`)."""
    memo = memo or ScoreMemo(None)
    extra = also_known(query)
    names = [v for prop, v in query.itervalues() if prop.type == registry.name] + extra
    identifiers = [v for prop, v in query.itervalues() if prop.type == registry.identifier]
    prefix = str(index.meta["sha256"])[:12]
    source = str(index.meta["file"])
    out = []
    for number in index.candidates(query.schema.name, names, identifiers, candidates):
        record = index.record(number)
        original = record["id"]
        record["id"] = f"{prefix}:{original}"
        entity = ValueEntity.from_dict(record)
        known = also_known(entity)
        value, features = memo.score(with_names(query, extra), with_names(entity, known), score)
        if value < threshold:
            continue
        translation = ""
        if extra or known:  # did the other names make the match? (asked of matches only)
            plain, plain_features = memo.score(query, entity, score)
            if plain >= value:
                value, features = plain, plain_features
            else:
                translation = "; ".join([*extra, *known])
        sanctions = [Designation.from_sanction(s, source) for s in index.sanctions(number)]
        found = scored_match(query, entity, original, value, features, sanctions, source,
                             list(record.get("datasets", [])))
        found.topics = [str(t) for t in (record.get("properties") or {}).get("topics", [])]
        if translation:
            found.agreed.append(f"names agree in translation or through the alias table "
                                f"({translation})")
        out.append(found)
    out.sort(key=lambda m: (-m.score, m.id))
    return out
