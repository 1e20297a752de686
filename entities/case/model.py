"""Pydantic models of a case: the header (``case.yml``) and its records.

Every record has a local ``id`` that other records use to refer to it. Field
names are the ones advocates write in YAML (and, later, in spreadsheets).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from entities.case.fields import (
    CollectionMethod,
    Countries,
    Country,
    EvidenceType,
    IdentifierType,
    Language,
    Line,
    LocalId,
    Mode,
    OrganisationKind,
    PartialDate,
    PersonStatus,
    Ref,
    Refs,
    Sensitivity,
    Text,
    UtcTime,
    VerificationKind,
    ViolationType,
    as_list,
    clean_line,
)
from entities.case.yamlsrc import LocatedData, Path, format_path
from entities.exc import Problem

Reliability = Annotated[
    Literal["A", "B", "C", "D", "E", "F"],
    BeforeValidator(lambda v: clean_line(v).upper() if isinstance(v, str) else v),
]
Credibility = Annotated[int, Field(ge=1, le=6)]
Url = Annotated[str, BeforeValidator(clean_line), Field(pattern=r"^https?://\S+$", max_length=2000)]
Sha256 = Annotated[
    str, BeforeValidator(lambda v: clean_line(v).lower() if isinstance(v, str) else v),
    Field(pattern=r"^[0-9a-f]{64}$"),
]
NameType = Literal["name", "alias", "weak_alias", "previous", "transliteration"]


class Strict(BaseModel):
    """Base for every model: unknown fields are mistakes, not silently ignored."""

    model_config = ConfigDict(extra="forbid", validate_default=True)


#: the place of a record read from nowhere (made in memory)
_NOWHERE: tuple[None, None, tuple[str | int, ...]] = (None, None, ())


class Located(Strict):
    """A record that remembers where it was written (for messages and provenance)."""

    #: where the record was written: (spreadsheet row ``file:Sheet!row`` or ``None``,
    #: the YAML file read, the record's path in it) — one attribute, read once per use
    #: (each private attribute read costs a few microseconds, and provenance is asked
    #: for every value a build stores)
    #: (``None`` until told: a default tuple would be deep-copied into every record)
    _place: tuple[str | None, LocatedData | None, Path] | None = PrivateAttr(default=None)
    _invalid: bool = PrivateAttr(default=False)

    @property
    def invalid(self) -> bool:
        """True for a placeholder of a record that failed validation (id only)."""
        return self._invalid

    def mark_invalid(self) -> None:
        """Make this record the placeholder of one that failed validation."""
        self._invalid = True

    def locate(self, source: LocatedData, path: Path) -> None:
        """Remember the file and path this record was read from."""
        self._place = (self._place[0] if self._place else None, source, path)

    def locate_row(self, where: str) -> None:
        """Remember the spreadsheet row (``file:Sheet!row``) this record was read from."""
        row, source, path = self._place or _NOWHERE
        self._place = (where, source, path)

    @property
    def from_row(self) -> bool:
        """True for a record read from a spreadsheet row in this run."""
        return self._place is not None and self._place[0] is not None

    @staticmethod
    def _file(row: str | None, source: LocatedData | None) -> str:
        if row is not None:
            return row
        return source.file if source is not None else "<memory>"

    @property
    def defined_in(self) -> str:
        """The file (or ``file:Sheet!row``) the record was read from."""
        row, source, _ = self._place or _NOWHERE
        return self._file(row, source)

    def line(self, *field: str | int) -> int:
        """Line of a field of this record (of the record itself without ``field``)."""
        row, source, path = self._place or _NOWHERE
        if source is None or row is not None:
            return 0
        return source.line((*path, *field))

    def problem(self, message: str, *field: str | int) -> Problem:
        """A :class:`Problem` located at a field of this record."""
        row, source, path = self._place or _NOWHERE
        if row is not None:
            return Problem(row, 0, format_path(field), message)
        line = 0 if source is None else source.line((*path, *field))
        return Problem(self._file(row, source), line, format_path((*path, *field)), message)

    def origin(self, *field: str | int) -> str:
        """Where a field's value comes from, the provenance stored on each statement:
        ``file:line`` for YAML, ``file:Sheet!row`` for imported spreadsheet rows."""
        imported = self.__dict__.get("imported_from")  # a field of some records only
        if imported:
            return str(imported)
        row, source, path = self._place or _NOWHERE
        if row is not None:
            return row
        if source is None:
            return "<memory>:0"
        return f"{source.file}:{source.line((*path, *field))}"


class Name(Strict):
    """A name in one language and script."""

    name: Line
    lang: Language | None = None
    type: NameType = "name"

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"name": value} if isinstance(value, str) else value


Names = Annotated[list[Name], BeforeValidator(as_list), Field(min_length=1)]


class Identifier(Strict):
    """An identity document or registration number."""

    type: IdentifierType
    number: Line
    country: Country | None = None
    authority: Line | None = None
    issued: PartialDate | None = None
    expires: PartialDate | None = None


class Contact(Strict):
    name: Line | None = None
    email: Line | None = None
    phone: Line | None = None


class Partner(Strict):
    """An organisation that contributed to the case file (named in submission packs)."""

    name: Line
    website: Url | None = None
    description: Text | None = None


class Organisation(Strict):
    """The organisation submitting the case, and its partners."""

    name: Line
    website: Url | None = None
    description: Text | None = None
    contact: Contact = Field(default_factory=Contact)
    partners: list[Partner] = Field(default_factory=list)


class CaseMeta(Located):
    """The header of a case, from ``case.yml``."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
    title: Line
    summary: Text | None = None
    languages: Annotated[list[Language], BeforeValidator(as_list)] = Field(default_factory=list)
    organisation: Organisation
    default_sensitivity: Sensitivity = "public"
    date: PartialDate | None = None
    prefix: Annotated[str, Field(pattern=r"^[a-z][a-z0-9]{1,15}$")] | None = None
    #: print "[protected witness]" where free text names someone an audience may not see,
    #: instead of stopping the build
    pseudonymise_free_text: bool = False
    #: ``four_eyes``: the reviewer of an attribution must differ from whoever entered it
    review: Literal["single", "four_eyes"] = "single"
    #: the grade an attribution needs before a dossier may say a regime's criteria are met
    minimum_grade: Literal["weak", "moderate", "strong"] = "moderate"
    #: the analyst's arguments for submission packs: target id → regime → field → text
    #: (the regimes and fields are those of evidence_maps/submissions.yml)
    submissions: dict[str, dict[str, dict[str, Text]]] = Field(default_factory=dict)

    @property
    def id_prefix(self) -> str:
        """The prefix of every FtM id of this case."""
        return self.prefix or re.sub(r"[^a-z0-9]", "", self.id)[:16]


class Record(Located):
    """Fields every case record has."""

    kind: ClassVar[str] = "record"
    id: LocalId
    sensitivity: Sensitivity | None = None
    notes: Text | None = None
    #: Set by ``dossier import``: the spreadsheet row the record came from.
    imported_from: Line | None = None


class Actor(Record):
    """A person or organisation that can be attributed responsibility."""

    names: Names
    identifiers: list[Identifier] = Field(default_factory=list)
    addresses: Annotated[list[Line], BeforeValidator(as_list)] = Field(default_factory=list)
    evidence: Refs = Field(default_factory=list)
    target: bool = False
    #: the sources name no one in particular ("special services (body not specified)"):
    #: never "criteria met", whatever the evidence
    unidentified: bool = False


class Person(Actor):
    kind: ClassVar[str] = "person"
    gender: Literal["male", "female", "other"] | None = None
    birth_date: PartialDate | None = None
    birth_place: Line | None = None
    death_date: PartialDate | None = None
    nationality: Countries = Field(default_factory=list)
    #: the states whose citizen the person is (listings carry it beside nationality)
    citizenship: Countries = Field(default_factory=list)
    statuses: Annotated[list[PersonStatus], BeforeValidator(as_list)] = Field(
        default_factory=list
    )
    photo: Line | None = None
    #: a current or former government official (``None``: the posts held decide)
    official: bool | None = None


class OrganisationRecord(Actor):
    kind: ClassVar[str] = "organisation"
    type: OrganisationKind = "organisation"
    country: Country | None = None
    parent: Ref | None = None
    website: Url | None = None


class Position(Record):
    kind: ClassVar[str] = "position"
    title: Names
    organisation: Ref | None = None
    country: Country | None = None
    #: a leadership post (head, deputy head, commander, board member): only its holders
    #: are inferred responsible for what the organisation is attributed
    leadership: bool = False


class Tenure(Record):
    kind: ClassVar[str] = "tenure"
    person: Ref
    position: Ref
    start: PartialDate | None = None
    end: PartialDate | None = None
    evidence: Annotated[Refs, Field(min_length=1)]


class Relation(Record):
    """Who owns, directs or works for an organisation: compiled to FtM ``Ownership``,
    ``Directorship`` or ``Employment``, on evidence."""

    kind: ClassVar[str] = "relation"
    type: Literal["ownership", "directorship", "employment"]
    #: the owner, director or employee (a person or an organisation)
    subject: Ref
    #: the organisation owned, directed or employing
    organisation: Ref
    role: Line | None = None
    #: for ownership: the share held, as the source states it ("51%")
    share: Line | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    evidence: Annotated[Refs, Field(min_length=1)]


class VerificationStep(Strict):
    """One step taken to verify an item: what, by whom, when, with what result."""

    step: VerificationKind
    by: Line
    #: (not ``on``: YAML reads that key as "true")
    date: PartialDate
    result: Text | None = None


class CustodyTransfer(Strict):
    """The item passed from one holder to another."""

    model_config = ConfigDict(extra="forbid", validate_default=True, populate_by_name=True)

    giver: Line = Field(alias="from")
    to: Line
    at: UtcTime
    how: Line | None = None


class Collection(Strict):
    """Who collected an item, when (UTC), how and with what, where it was found, how it
    was verified and every transfer of custody since (the Berkeley Protocol's collection
    and preservation record). Only the government audience sees the people, places and
    custody; the others see when and how it was collected."""

    by: Line
    at: UtcTime
    method: CollectionMethod
    tool: Line | None = None
    #: where it was found: a web address, a platform and account, a device
    location: Line | None = None
    verification: list[VerificationStep] = Field(default_factory=list)
    custody: list[CustodyTransfer] = Field(default_factory=list)


class Source(Record):
    kind: ClassVar[str] = "source"
    title: Line
    publisher: Line | None = None
    author: Line | None = None
    url: Url | None = None
    archive_url: Url | None = None
    published: PartialDate | None = None
    accessed: PartialDate | None = None
    language: Language | None = None
    file: Line | None = None
    sha256: Sha256 | None = None
    reliability: Reliability
    derived_from: Refs = Field(default_factory=list)
    addressees: Refs = Field(default_factory=list)
    #: other organisations that co-signed or co-published it (a joint statement): sources
    #: sharing a publisher, co-signer or author are one independent source
    co_publishers: Annotated[list[Line], BeforeValidator(as_list)] = Field(
        default_factory=list)
    #: the case's judgement that this source is independent of others by the same
    #: publisher or author (e.g. two newspapers of one media group with separate desks)
    independent: bool = False
    #: how the source (its file, its page) was collected and kept
    collection: Collection | None = None
    #: a working copy of ``file`` made for publication (faces blurred, metadata cut):
    #: what the parliament and public outputs name; ``file`` stays the evidentiary copy
    #: the government outputs name
    redacted_file: Line | None = None
    #: what was changed in ``redacted_file`` (kept in the audit log with it)
    redaction: Line | None = None

    def file_for(self, audience: str | None) -> str | None:
        """The file an audience's outputs name: the redacted copy for the parliament and
        the public where there is one, else (and for the government) the file."""
        if audience in ("parliament", "public") and self.redacted_file:
            return self.redacted_file
        return self.file


class Evidence(Record):
    kind: ClassVar[str] = "evidence"
    source: Ref
    locator: Line
    excerpt: Annotated[Text, Field(max_length=5000)]
    excerpt_lang: Language | None = None
    translation: Annotated[Text, Field(max_length=5000)] | None = None
    translation_lang: Language = "eng"
    credibility: Credibility
    type: EvidenceType
    date: PartialDate | None = None
    #: how this item was collected, where its source's record does not say (testimony
    #: taken by the team, a photo from a witness)
    collection: Collection | None = None


class Incident(Record):
    kind: ClassVar[str] = "incident"
    title: Line
    date: PartialDate | None = None
    end_date: PartialDate | None = None
    place: Line | None = None
    country: Country | None = None
    description: Text
    violations: Annotated[list[ViolationType], BeforeValidator(as_list), Field(min_length=1)]
    victims: Refs = Field(default_factory=list)
    evidence: Refs = Field(default_factory=list)
    #: the analyst's assessment that the violations are widespread, systematic or
    #: otherwise of serious concern (EU art. 1(1)(d), SEMA), with the evidence for it
    pattern: Literal["widespread", "systematic", "serious_concern"] | None = None
    pattern_evidence: Refs = Field(default_factory=list)

    @model_validator(mode="after")
    def _pattern_needs_evidence(self) -> Incident:
        if bool(self.pattern) != bool(self.pattern_evidence):
            raise ValueError("pattern and pattern_evidence go together: an assessment that "
                             "the violations are widespread or systematic cites evidence")
        return self


class Attribution(Record):
    kind: ClassVar[str] = "attribution"
    actor: Ref
    incident: Ref
    mode: Mode
    evidence: Refs = Field(default_factory=list)
    contrary_evidence: Refs = Field(default_factory=list)
    #: for immediate_family, profiting, agent_of, owned_controlled: whose family member,
    #: beneficiary, agent or property the actor is
    principal: Ref | None = None
    status: Literal["draft", "reviewed", "rejected"] = "draft"
    reviewed_by: Line | None = None
    reviewed_on: PartialDate | None = None
    #: why a reviewer rejected or reopened it (``dossier review --reject/--reopen``)
    review_reason: Text | None = None
    #: who entered or last changed it through the tool (imports); four-eyes review
    #: needs a reviewer other than this person
    entered_by: Line | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _reviewed_needs_evidence(self) -> Attribution:
        if self.status == "reviewed" and not self.evidence:
            raise ValueError(
                "a reviewed attribution must cite evidence; add evidence or set status: draft"
            )
        return self


#: Sections of a data file and the model of their records, in reading order.
SECTIONS: dict[str, type[Record]] = {
    "people": Person,
    "organisations": OrganisationRecord,
    "positions": Position,
    "tenures": Tenure,
    "relations": Relation,
    "sources": Source,
    "evidence": Evidence,
    "incidents": Incident,
    "attributions": Attribution,
}
