"""Screen one query entity against a list index: candidates from the index, scores from
nomenklatura's ``logic-v2`` matcher, explanations in words, designations attached."""

from __future__ import annotations

import itertools

from followthemoney import EntityProxy, ValueEntity, model, registry
from nomenklatura.matching import LogicV2

from entities.screening.explain import explain
from entities.screening.index import ListIndex
from entities.screening.model import DEFAULT_THRESHOLD, Designation, Feature, Match

#: How many index candidates are scored per query.
CANDIDATES = 100
_CONFIG = LogicV2.default_config()
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


def score(query: EntityProxy, result: EntityProxy) -> tuple[float, dict[str, Feature]]:
    """logic-v2's score and its features (name → score, detail, the values compared)."""
    outcome = LogicV2.compare(query, result, _CONFIG)
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


def screen_entity(index: ListIndex, query: EntityProxy, threshold: float = DEFAULT_THRESHOLD,
                  candidates: int = CANDIDATES) -> list[Match]:
    """Matches of ``query`` in ``index`` at or above ``threshold``, best first."""
    names = [v for prop, v in query.itervalues() if prop.type == registry.name]
    identifiers = [v for prop, v in query.itervalues() if prop.type == registry.identifier]
    prefix = str(index.meta["sha256"])[:12]
    source = str(index.meta["file"])
    out = []
    for number in index.candidates(query.schema.name, names, identifiers, candidates):
        record = index.record(number)
        original = record["id"]
        record["id"] = f"{prefix}:{original}"
        entity = ValueEntity.from_dict(record)
        value, features = score(query, entity)
        if value < threshold:
            continue
        sanctions = [Designation.from_sanction(s, source) for s in index.sanctions(number)]
        found = scored_match(query, entity, original, value, features, sanctions, source,
                             list(record.get("datasets", [])))
        found.topics = [str(t) for t in (record.get("properties") or {}).get("topics", [])]
        out.append(found)
    out.sort(key=lambda m: (-m.score, m.id))
    return out
