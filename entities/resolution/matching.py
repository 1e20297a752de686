"""Compare two FtM entities and decide: ``merge``, ``review`` or ``distinct``.

Rules (each small and in one place):

- a stored human judgement decides (positive → merge, negative → distinct);
- people and organisations never match each other;
- **conflicts** block every automatic merge: birth dates that cannot be the same
  (1950-03-21 vs 1988), different genders, disjoint nationalities, different national
  id numbers; organisations in different countries; names that the alias table
  assigns to different bodies;
- **merge** (people) needs a full name match (all name parts, any order, patronymics
  optional) plus a birth date agreeing to at least the month on both sides, or a shared
  identifier; **merge** (organisations) needs a shared identifier, or both names in the
  alias table as the same body with Kazakhstan on both sides;
- **review**: everything plausible — a full name match without a birth date, a match on
  initials, a conflict with matching names, or nomenklatura ``logic-v2`` ≥ 0.7;
- otherwise **distinct**.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from followthemoney import EntityProxy, Schema, model
from rigour.ids import IdentifierFormat, get_identifier_format

from entities.resolution.names import (
    TYPO,
    NameMatch,
    best_person_match,
    known_different,
    similar_tokens,
)
from entities.resolution.orgnames import AliasTable, countries_in, org_tokens

#: Properties whose shared value identifies an entity (chosen: FtM's identifier-typed
#: properties also hold codes many entities share — activity and territory codes, tax
#: office codes, sanctions programme ids — that identify no one).
IDENTIFIERS = ("idNumber", "passportNumber", "taxNumber", "innCode", "registrationNumber",
               "swiftBic", "ogrnCode", "leiCode", "wikidataId", "vatCode", "bikCode",
               "okpoCode", "uniqueEntityId", "imoNumber")
#: Identifiers a person has only one of; different values are a conflict.
UNIQUE_IDS = ("idNumber", "innCode", "wikidataId")
REVIEW_THRESHOLD = 0.7

Scorer = Callable[[EntityProxy, EntityProxy], float]


@dataclass(slots=True)
class Profile:
    """What the matcher needs to know about one entity, computed once."""

    id: str
    schema: str
    is_person: bool
    names: list[str]
    birth_dates: set[str]
    genders: set[str]
    nationalities: set[str]
    countries: set[str]
    identifiers: dict[str, set[str]]
    datasets: frozenset[str] = frozenset()


@lru_cache(maxsize=64)
def _format(name: str) -> type[IdentifierFormat] | None:
    return get_identifier_format(name)  # None: a format rigour does not know


def norm_id(schema: Schema, prop: str, value: str) -> str:
    """An identifier in the standard form of its format where rigour knows it (the FtM
    property's ``format``: a BIC without ``XXX``, an IMO number with its prefix, a LEI in
    capitals…), else — and for a value that does not pass the format's check — in
    capital letters and digits only, so that nothing a record holds is dropped."""
    found = schema.get(prop)
    spec = _format(found.format) if found is not None and found.format else None
    normal = spec.normalize(value) if spec is not None else None
    return normal or "".join(ch for ch in value.upper() if ch.isalnum())


def profile(entity: EntityProxy) -> Profile:
    """Build the comparison profile of an FtM entity."""
    names = [*entity.get("name", quiet=True), *entity.get("alias", quiet=True),
             *entity.get("previousName", quiet=True)]
    idents: dict[str, set[str]] = {}
    for prop in IDENTIFIERS:
        values = {norm_id(entity.schema, prop, v) for v in entity.get(prop, quiet=True)}
        values.discard("")
        if values:
            idents[prop] = values
    countries = set(entity.get("country", quiet=True)) | set(entity.get("jurisdiction",
                                                                        quiet=True))
    datasets = frozenset(getattr(entity, "datasets", None) or ())
    return Profile(
        id=str(entity.id), schema=entity.schema.name,
        is_person=entity.schema.is_a("Person"), names=names,
        birth_dates=set(entity.get("birthDate", quiet=True)),
        genders=set(entity.get("gender", quiet=True)),
        nationalities=set(entity.get("nationality", quiet=True))
        | set(entity.get("citizenship", quiet=True)),
        countries=countries, identifiers=idents, datasets=datasets)


@dataclass(slots=True)
class PairResult:
    """The outcome for one pair, with the reasons in words."""

    left: str
    right: str
    score: float
    decision: str
    name: NameMatch
    reasons: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def _dates_relation(a: set[str], b: set[str]) -> str:
    """``none`` (missing), ``conflict``, ``weak`` (years only) or ``strong`` agreement."""
    if not a or not b:
        return "none"
    best = "conflict"
    for x in a:
        for y in b:
            short, long = sorted((x, y), key=len)
            if long.startswith(short):
                if len(short) >= 7:
                    return "strong"
                best = "weak"
    return best


def compatible_schemata(a: str, b: str) -> bool:
    """Whether entities of these schemata could be the same thing."""
    return model[a].can_match(model[b])


def conflicts(a: Profile, b: Profile, aliases: AliasTable | None = None) -> list[str]:
    """Facts that show ``a`` and ``b`` are different entities."""
    found = []
    if _dates_relation(a.birth_dates, b.birth_dates) == "conflict":
        found.append(f"birth dates differ ({', '.join(sorted(a.birth_dates))} vs "
                     f"{', '.join(sorted(b.birth_dates))})")
    if a.genders and b.genders and a.genders.isdisjoint(b.genders):
        found.append("genders differ")
    if a.nationalities and b.nationalities and a.nationalities.isdisjoint(b.nationalities):
        found.append("nationalities differ")
    for prop in UNIQUE_IDS:
        if a.identifiers.get(prop) and b.identifiers.get(prop) and \
                a.identifiers[prop].isdisjoint(b.identifiers[prop]):
            found.append(f"different {prop}")
    if not a.is_person:
        ca = a.countries | {c for n in a.names for c in countries_in(n)}
        cb = b.countries | {c for n in b.names for c in countries_in(n)}
        if ca and cb and ca.isdisjoint(cb):
            found.append(f"different countries ({', '.join(sorted(ca))} vs "
                         f"{', '.join(sorted(cb))})")
        if aliases is not None:
            ka = {e.key for n in a.names if (e := aliases.lookup(n))}
            kb = {e.key for n in b.names if (e := aliases.lookup(n))}
            if ka and kb and ka.isdisjoint(kb):
                found.append("the alias table names different bodies")
    return found


def _shared_ids(a: Profile, b: Profile) -> list[str]:
    shared = []
    for prop, values in a.identifiers.items():
        for other_prop, other in b.identifiers.items():
            if values & other and (prop == other_prop or prop not in UNIQUE_IDS):
                shared.append(prop)
    return sorted(set(shared))


def org_name_match(a: Profile, b: Profile, aliases: AliasTable | None) -> NameMatch:
    """Compare organisation names: alias table first, then token sets."""
    if aliases is not None:
        ka = {e.key for n in a.names if (e := aliases.lookup(n))}
        kb = {e.key for n in b.names if (e := aliases.lookup(n))}
        if ka & kb:
            return NameMatch(1.0, "alias")
    best = NameMatch(0.0, "none")
    for x in a.names:
        for y in b.names:
            tx, ty = org_tokens(x), org_tokens(y)
            if not tx or not ty:
                continue
            if tx == ty:
                return NameMatch(0.95, "full")
            small, large = sorted((tx, ty), key=len)
            matched = sum(1 for t in small if any(similar_tokens(t, u) for u in large))
            if matched == len(small) == len(large):
                candidate = NameMatch(0.85, "full")
            elif matched == len(small):
                candidate = NameMatch(0.8, "partial")
            else:
                candidate = NameMatch(0.5 * matched / len(tx | ty), "partial")
            if candidate.score > best.score:
                best = candidate
    return best


def _kz_on_both(a: Profile, b: Profile) -> bool:
    def has_kz(p: Profile) -> bool:
        return "kz" in p.countries or any("kz" in countries_in(n) for n in p.names)
    return has_kz(a) and has_kz(b)


def _worth_scoring(a: Profile, b: Profile, name: NameMatch, plausible: bool,
                   found: list[str]) -> bool:
    """logic-v2 is consulted where it can change the outcome: organisation pairs our
    rules cannot settle (translations, word order), and people whose names agree only
    in part (romanisations our skeletons do not fold: Korean, Arabic, Belarusian…) with
    nothing in conflict, unless their surnames are ones our rules know to be different
    families (:func:`~entities.resolution.names.known_different`). Measured on the OFAC
    alias set: among people with a conflict it scored 3 of 26,367 pairs at 0.7 or more,
    all three false, so it is not asked there."""
    if a.is_person:
        return name.kind == "partial" and not found and not known_different(a.names, b.names)
    if name.kind == "alias":
        return False
    return not plausible or name.kind == "partial"


def decide(a: Profile, b: Profile, *, aliases: AliasTable | None = None,
           scorer: Scorer | None = None, entities: tuple[EntityProxy, EntityProxy] | None
           = None, judgement: str | None = None, score_people: bool = True) -> PairResult:
    """Decide a pair. ``scorer`` (logic-v2) is consulted for plausible pairs only (for
    people only when ``score_people``)."""
    if judgement == "positive":
        return PairResult(a.id, b.id, 1.0, "merge", NameMatch(1.0, "judged"),
                          ["a person judged them the same"])
    if judgement == "negative":
        return PairResult(a.id, b.id, 0.0, "distinct", NameMatch(0.0, "judged"),
                          ["a person judged them different"])
    if not compatible_schemata(a.schema, b.schema):
        return PairResult(a.id, b.id, 0.0, "distinct", NameMatch(0.0, "none"),
                          [f"a {a.schema} cannot be a {b.schema}"])
    name = best_person_match(a.names, b.names) if a.is_person and b.is_person \
        else org_name_match(a, b, aliases)
    found = conflicts(a, b, aliases)
    shared = _shared_ids(a, b)
    reasons = [f"names: {name.kind} match ({name.score:.2f})"]
    if shared:
        reasons.append(f"shared identifier: {', '.join(shared)}")
    dates = _dates_relation(a.birth_dates, b.birth_dates)
    if dates in ("strong", "weak"):
        reasons.append(f"birth dates agree ({dates})")
    # a shared identifier under another name is worth a look (a cover name, a renamed
    # company, or a mistake in one record) but never merges on its own
    plausible = name.kind in ("full", "initials", "alias") or (bool(shared) and not found) \
        or (name.kind == "partial" and name.score >= 0.5)
    lv2 = None
    if scorer is not None and entities is not None and (score_people or not a.is_person) \
            and _worth_scoring(a, b, name, plausible, found):
        lv2 = scorer(*entities)
        reasons.append(f"logic-v2: {lv2:.2f}")
    score = max(name.score, lv2 or 0.0)
    candidate = plausible or (lv2 is not None and lv2 >= REVIEW_THRESHOLD)
    if found:
        reasons += [f"conflict: {c}" for c in found]
        blocking = not a.is_person and any(c.startswith(("different countries", "the alias"))
                                           for c in found)
        # names alike only as a typo or a romanisation variant apart, and something in
        # conflict: two people
        blocking = blocking or (name.kind == "full" and name.score <= TYPO and not shared)
        decision = "review" if candidate and not blocking else "distinct"
        return PairResult(a.id, b.id, min(score, 0.69), decision, name, reasons, found)
    if a.is_person:
        merge = (bool(shared) and name.kind != "none") or \
            (name.kind == "full" and name.score == 1.0 and dates == "strong")
    else:
        merge = (bool(shared) and name.kind != "none") or \
            (name.kind == "alias" and _kz_on_both(a, b))
    if merge:
        return PairResult(a.id, b.id, max(score, 0.95), "merge", name, reasons)
    return PairResult(a.id, b.id, score, "review" if candidate else "distinct", name, reasons)


