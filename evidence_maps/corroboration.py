"""How many independent sources stand behind a claim.

Two evidence items from the same source are one source. A source that repeats
another (``derived_from``) is not independent of it: sources linked that way,
directly or through others, form one group and count once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from entities.case.case import Case
from entities.case.model import Evidence, Source


def source_groups(case: Case) -> dict[str, str]:
    """Map each source id to the id of its independence group (union-find)."""
    parent = {source.id: source.id for source in case.sources}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for source in case.sources:
        for other in source.derived_from:
            if other in parent:
                a, b = sorted((find(source.id), find(other)))
                parent[b] = a
    return {key: find(key) for key in parent}


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
