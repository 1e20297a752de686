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
