"""How many independent sources stand behind a claim.

Two evidence items from the same source are one source. Sources are one **independence
group**, and count once, when they are linked, directly or through others, by:

- ``derived_from``: one repeats the other;
- a shared publisher, co-publisher (``co_publishers``: a joint statement) or author,
  compared after normalising case, spacing and punctuation — unless the case marks a
  source ``independent: true`` (its own desk, its own witnesses).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from normality import normalize

from entities.case.case import Case
from entities.case.model import Evidence, Source
from entities.i18n import Joined, Msg


def _issuers(source: Source) -> set[str]:
    """Who stands behind a source: its publisher, co-publishers and author, normalised."""
    names = [source.publisher, source.author, *source.co_publishers]
    return {key for name in names if name and (key := normalize(name))}


def source_groups(case: Case) -> dict[str, str]:
    """Map each source id to the id of its independence group (union-find)."""
    parent = {source.id: source.id for source in case.sources}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def join(one: str, other: str) -> None:
        a, b = sorted((find(one), find(other)))
        parent[b] = a

    issued: dict[str, str] = {}
    for source in case.sources:
        for other in source.derived_from:
            if other in parent:
                join(source.id, other)
        if source.independent:
            continue
        for issuer in sorted(_issuers(source)):
            if issuer in issued:
                join(source.id, issued[issuer])
            else:
                issued[issuer] = source.id
    return {key: find(key) for key in parent}


def group_reasons(case: Case, groups: dict[str, str]) -> dict[str, tuple[list[str], Joined]]:
    """For each group of two or more sources: its member ids and why they count once."""
    members: dict[str, list[Source]] = {}
    for source in case.sources:
        members.setdefault(groups[source.id], []).append(source)
    out = {}
    for group, sources in members.items():
        if len(sources) < 2:
            continue
        why: list[Msg] = []
        ids = {s.id for s in sources}
        if any(set(s.derived_from) & ids for s in sources):
            why.append(Msg.of("em.group_derived"))
        shared = _shared_issuers(sources)
        if shared:
            names = sorted({name for s in sources if not s.independent
                            for name in [s.publisher, s.author, *s.co_publishers]
                            if name and normalize(name) in shared})
            why.append(Msg.of("em.group_issuer", names=", ".join(names)))
        out[group] = ([s.id for s in sources], Joined(tuple(why)))
    return out


def _shared_issuers(sources: list[Source]) -> set[str]:
    seen: dict[str, int] = {}
    for source in sources:
        if source.independent:
            continue
        for issuer in _issuers(source):
            seen[issuer] = seen.get(issuer, 0) + 1
    return {issuer for issuer, count in seen.items() if count > 1}


@dataclass(frozen=True)
class Corroboration:
    """The independent sources behind a set of evidence items."""

    evidence: tuple[str, ...]
    groups: tuple[str, ...]

    @property
    def independent(self) -> int:
        return len(self.groups)

    @property
    def label(self) -> str:
        """``no evidence``, ``single source`` or ``N independent sources``."""
        if not self.groups:
            return "no evidence"
        if len(self.groups) == 1:
            return "single source"
        return f"{len(self.groups)} independent sources"


def corroboration(case: Case, evidence_ids: Iterable[str],
                  groups: dict[str, str] | None = None) -> Corroboration:
    """Count the independent sources behind ``evidence_ids``."""
    groups = groups if groups is not None else source_groups(case)
    index = case.index
    items = [index[e] for e in evidence_ids if isinstance(index.get(e), Evidence)]
    found = sorted({groups[item.source] for item in items
                    if isinstance(item, Evidence) and isinstance(index.get(item.source), Source)})
    return Corroboration(tuple(item.id for item in items), tuple(found))
