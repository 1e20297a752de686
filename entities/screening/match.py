"""Screen one query entity against a list index: candidates from the index, scores from
nomenklatura's ``logic-v2`` matcher, explanations in words, designations attached."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from followthemoney import EntityProxy, ValueEntity, model, registry
from nomenklatura.matching import LogicV2

from entities.screening.explain import explain
from entities.screening.index import ListIndex

#: Scores at or above this are reported as matches (the same default as yente's).
DEFAULT_THRESHOLD = 0.70
#: How many index candidates are scored per query.
CANDIDATES = 100
_CONFIG = LogicV2.default_config()
_QUERY_IDS = itertools.count(1)


@dataclass(frozen=True)
class Designation:
    """One designation (an FtM ``Sanction``) of a listed entity."""

    authority: str
    program: str
    country: str
    listing_date: str = ""
    end_date: str = ""
    source_list: str = ""
    id: str = ""
    datasets: tuple[str, ...] = ()

    @classmethod
    def from_sanction(cls, data: dict[str, Any], source_list: str) -> Designation:
        def first(*names: str) -> str:
            for name in names:
                values = data.get(name) or []
                if values:
                    return str(values[0])
            return ""

        programs = data.get("program") or data.get("programId") or []
        return cls(first("authority"), "; ".join(programs), first("country"),
                   first("listingDate", "startDate"), first("endDate"), source_list,
                   str(data.get("id", "")), tuple(data.get("datasets") or ()))

    def to_json(self) -> dict[str, Any]:
        return {"authority": self.authority, "program": self.program, "country": self.country,
                "listing_date": self.listing_date, "end_date": self.end_date,
                "list": self.source_list, "id": self.id, "datasets": list(self.datasets)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Designation:
        return cls(data.get("authority", ""), data.get("program", ""), data.get("country", ""),
                   data.get("listing_date", ""), data.get("end_date", ""), data.get("list", ""),
                   data.get("id", ""), tuple(data.get("datasets", ())))


@dataclass
class Match:
    """A list entry scoring at or above the threshold for a query."""

    id: str
    name: str
    schema: str
    score: float
    agreed: list[str]
    conflicts: list[str]
    sanctions: list[Designation]
    source_list: str
    datasets: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "schema": self.schema,
                "score": round(self.score, 4), "list": self.source_list,
                "agreed": self.agreed, "conflicts": self.conflicts,
                "datasets": self.datasets, "sanctions": [s.to_json() for s in self.sanctions]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Match:
        return cls(data["id"], data["name"], data.get("schema", ""), float(data["score"]),
                   list(data.get("agreed", [])), list(data.get("conflicts", [])),
                   [Designation.from_json(s) for s in data.get("sanctions", [])],
                   data.get("list", ""), list(data.get("datasets", [])))


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


def score(query: EntityProxy, result: EntityProxy) -> tuple[float, dict[str, tuple[float, str]]]:
    """logic-v2's score and its features (name → (score, detail))."""
    outcome = LogicV2.compare(query, result, _CONFIG)
    features = {name: (float(exp.score), str(exp.detail))
                for name, exp in outcome.explanations.items()}
    return float(outcome.score), features


def scored_match(query: EntityProxy, entity: EntityProxy, original_id: str, value: float,
                 features: dict[str, tuple[float, str]], sanctions: list[Designation],
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
        out.append(scored_match(query, entity, original, value, features, sanctions, source,
                                list(record.get("datasets", []))))
    out.sort(key=lambda m: (-m.score, m.id))
    return out
