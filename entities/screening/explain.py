"""Why a query and a list entry match, in words: which features agreed and which conflict."""

from __future__ import annotations

import re
from typing import Any

from followthemoney import EntityProxy, registry

from entities.screening.keys import identifier_key
from entities.screening.model import Feature

_PAIR = re.compile(r"'([^']*)'≈'([^']*)'")
_LITERAL = re.compile(r"'([^']*)' literalMatch")


def _values(entity: EntityProxy, type_: Any) -> set[str]:
    return {v for prop, v in entity.itervalues() if prop.type == type_}


def _prop_values(entity: EntityProxy, *names: str) -> set[str]:
    out: set[str] = set()
    for name in names:
        if name in entity.schema.properties:
            out.update(entity.get(name))
    return out


def _dates(query: set[str], other: set[str]) -> tuple[str | None, str | None]:
    if not query or not other:
        return None, None
    for q in sorted(query):
        for o in sorted(other):
            if q[:10] == o[:10] and len(q) >= 10 and len(o) >= 10:
                return f"birth date agrees ({q[:10]})", None
    for q in sorted(query):
        for o in sorted(other):
            if q[:4] == o[:4]:
                return f"birth year agrees ({q[:4]})", None
    return None, (f"birth dates differ ({', '.join(sorted(query))} vs "
                  f"{', '.join(sorted(other))})")


def explain(query: EntityProxy, result: EntityProxy,
            features: dict[str, Feature]) -> tuple[list[str], list[str]]:
    """(agreed, conflicts): short sentences about names, birth date, nationality or
    country, identifiers and gender. Names come from the feature's compared values
    (``query``/``candidate``) where the matcher gives them; else from its detail text."""
    agreed: list[str] = []
    conflicts: list[str] = []
    name = features.get("name_match")
    if name is not None and name.score > 0:
        if name.query and name.candidate:
            pairs = [f"{name.query}≈{name.candidate}" if name.query != name.candidate
                     else f"{name.query} (same)"]
        else:
            pairs = [f"{a}≈{b}" for a, b in _PAIR.findall(name.detail)]
            pairs += [f"{a} (same)" for a in _LITERAL.findall(name.detail)]
        agreed.append(f"names agree ({name.score:.2f}: {', '.join(pairs) or name.detail})")
    weak = features.get("weak_alias_match")
    if weak is not None and weak.score > 0:
        agreed.append("a weak alias (nickname) agrees")
    good, bad = _dates(_prop_values(query, "birthDate"), _prop_values(result, "birthDate"))
    agreed += [good] if good else []
    conflicts += [bad] if bad else []
    q_countries, r_countries = _values(query, registry.country), _values(result, registry.country)
    if q_countries and r_countries:
        shared = sorted(q_countries & r_countries)
        if shared:
            agreed.append(f"nationality or country agrees ({', '.join(shared)})")
        else:
            conflicts.append(f"countries differ ({', '.join(sorted(q_countries))} vs "
                             f"{', '.join(sorted(r_countries))})")
    q_ids = {identifier_key(v) for v in _values(query, registry.identifier)} - {None}
    r_ids = {identifier_key(v) for v in _values(result, registry.identifier)} - {None}
    for key in sorted(q_ids & r_ids):  # type: ignore[type-var]
        agreed.append(f"identifier agrees ({str(key)[2:]})")
    q_gender, r_gender = _prop_values(query, "gender"), _prop_values(result, "gender")
    if q_gender and r_gender and not q_gender & r_gender:
        conflicts.append(f"genders differ ({', '.join(sorted(q_gender))} vs "
                         f"{', '.join(sorted(r_gender))})")
    return agreed, conflicts
