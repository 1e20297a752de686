"""The loaded case: header plus records, with look-ups by id.

The kinds of record, their section names and their order are those of
:data:`entities.case.model.SECTIONS`, the one list of record kinds; a test checks that
:class:`Case` has a field for each.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from entities.case.model import (
    SECTIONS,
    Attribution,
    CaseMeta,
    Evidence,
    Incident,
    OrganisationRecord,
    Person,
    Position,
    Record,
    Relation,
    Source,
    Tenure,
)

R = TypeVar("R", bound=Record)


@dataclass
class Case:
    """A validated case. Records keep the order in which they were read."""

    root: Path
    meta: CaseMeta
    people: list[Person] = field(default_factory=list)
    organisations: list[OrganisationRecord] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)
    tenures: list[Tenure] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)

    def section(self, name: str) -> list[Record]:
        """The records of one section (``people``, ``evidence``, …)."""
        records: list[Record] = getattr(self, name)
        return records

    def records(self) -> Iterator[Record]:
        """Every record, section by section (in the order of :data:`SECTIONS`)."""
        for name in SECTIONS:
            yield from self.section(name)

    def valid_records(self) -> Iterator[Record]:
        """Every record that passed validation (placeholders of failed ones left out)."""
        return (record for record in self.records() if not record.invalid)

    @cached_property
    def index(self) -> dict[str, Record]:
        """Records by their local id (computed once; a Case is not changed after loading)."""
        return {record.id: record for record in self.records()}

    def get(self, local_id: str, kind: type[R]) -> R:
        """The record with ``local_id``, which must be of type ``kind``."""
        record = self.index[local_id]
        if not isinstance(record, kind):
            raise TypeError(f"{local_id} is a {record.kind}, not a {kind.kind}")
        return record

    def sensitivity(self, record: Record) -> str:
        """The record's sensitivity, or the case default when it sets none."""
        return record.sensitivity or self.meta.default_sensitivity

    def count(self) -> dict[str, int]:
        """How many records of each section the case has."""
        return {name: len(self.section(name)) for name in SECTIONS}

    # -- look-ups by relation, each made once (a case is not changed after loading):
    # every question "which records point at this one" is answered without a pass over
    # a whole section, so that work per target does not grow with the size of the case
    @cached_property
    def tenures_of(self) -> dict[str, list[Tenure]]:
        """Tenures by the person who held them, in the case's order."""
        out: dict[str, list[Tenure]] = {}
        for tenure in self.tenures:
            out.setdefault(tenure.person, []).append(tenure)
        return out

    @cached_property
    def tenures_at(self) -> dict[str, list[Tenure]]:
        """Tenures by the organisation of their position, in the case's order."""
        out: dict[str, list[Tenure]] = {}
        for tenure in self.tenures:
            position = self.index.get(tenure.position)
            if isinstance(position, Position) and position.organisation:
                out.setdefault(position.organisation, []).append(tenure)
        return out

    @cached_property
    def relations_of(self) -> dict[str, list[Relation]]:
        """Relations by the actor at either end, in the case's order."""
        out: dict[str, list[Relation]] = {}
        for relation in self.relations:
            for end in dict.fromkeys((relation.subject, relation.organisation)):
                out.setdefault(end, []).append(relation)
        return out

    @cached_property
    def subsidiaries_of(self) -> dict[str, list[OrganisationRecord]]:
        """Organisations by their parent, in the case's order."""
        out: dict[str, list[OrganisationRecord]] = {}
        for org in self.organisations:
            if org.parent:
                out.setdefault(org.parent, []).append(org)
        return out

    @cached_property
    def attributions_of(self) -> dict[str, list[Attribution]]:
        """Attributions by their actor, in the case's order."""
        out: dict[str, list[Attribution]] = {}
        for att in self.attributions:
            out.setdefault(att.actor, []).append(att)
        return out
