"""Compile a case into FollowTheMoney statement entities, with provenance.

Mapping (stock schemata only):

================  =========================================================
case record       FollowTheMoney
================  =========================================================
person            Person
organisation      PublicBody / Company (banks: topic ``fin.bank``) / Organization
position          Position (organization → the organisation)
tenure            Occupancy (holder → Person, post → Position)
relation          Ownership (owner → asset), Directorship (director → organization),
                  Employment (employee → employer)
source            Document (with a file) or Article (published text, no file)
evidence          Documentation (document → source, entity → what it supports)
incident          Event
victim            UnknownLink (subject → Person/Organization, object → Event, role ``victim``)
addressee         Documentation (document → source, entity → addressee, role ``addressee``)
attribution       UnknownLink (subject → actor, object → Event, role = mode)
================  =========================================================

Every value carries its language where known, and its provenance: ``origin = file:line``
(``file:Sheet!row`` for imported rows) in the case database, for the case team; in what
an audience receives, ``origin = case-id:kind`` (``kz_2020_2021:person``), which names no
internal file and no line (line numbers would show where withheld records sit).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from followthemoney import Dataset, StatementEntity

from entities.case import vocab
from entities.case.case import Case
from entities.case.model import (
    Actor,
    Attribution,
    Evidence,
    Incident,
    Name,
    OrganisationRecord,
    Person,
    Position,
    Record,
    Relation,
    Source,
    Tenure,
)
from entities.exc import InvalidCase, Problem
from entities.files import file_digest
from entities.ftm.ids import make_id, record_id
from entities.i18n import text

_NAME_PROPS = {
    "name": "name",
    "transliteration": "name",
    "alias": "alias",
    "weak_alias": "weakAlias",
    "previous": "previousName",
}


#: relation type → (stock FtM schema, subject property, organisation property)
RELATIONS = {"ownership": ("Ownership", "owner", "asset"),
             "directorship": ("Directorship", "director", "organization"),
             "employment": ("Employment", "employee", "employer")}


def case_dataset(case: Case) -> Dataset:
    """The FtM dataset of a case (its name is the case id)."""
    return Dataset.make({"name": case.meta.id, "title": case.meta.title,
                         "summary": case.meta.summary or case.meta.title})


@dataclass
class Compiler:
    """Builds the entities of the records in ``shown`` (``None``: every record)."""

    case: Case
    shown_ids: frozenset[str] | None = None
    skip: frozenset[str] = frozenset()
    #: ``internal`` (file:line) or ``external`` (case id and record kind)
    provenance: str = "internal"
    #: whose outputs these are (``None``: the case database, which holds everything):
    #: decides which file of a source is named and how much of its collection record
    audience: str | None = None
    dataset: Dataset = field(init=False)
    entities: dict[str, StatementEntity] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.dataset = case_dataset(self.case)
        self.index = self.case.index

    # -- helpers -----------------------------------------------------------------
    def entity_id(self, record: Record) -> str:
        return record_id(self.case.meta.id_prefix, record.kind, record.id)

    def shown(self, local_id: str) -> bool:
        """Whether the record exists and is among those to compile."""
        return local_id in self.index and (self.shown_ids is None or local_id in self.shown_ids)

    def make(self, schema: str, entity_id: str) -> StatementEntity:
        entity = StatementEntity(self.dataset, {"schema": schema, "id": entity_id})
        self.entities[entity_id] = entity
        return entity

    def put(self, entity: StatementEntity, prop: str, value: str | None, record: Record,
            *where: str | int, lang: str | None = None) -> None:
        """Add a value with its provenance; a value FtM would drop is reported, not lost."""
        if value is None or value == "":
            return
        ptype = entity.schema.get(prop)
        if ptype is None or not ptype.type.validate(value):
            self.problems.append(record.problem(
                f"'{value}' cannot be stored as {entity.schema.name}.{prop}", *where))
            return
        origin = record.origin(*where) if self.provenance == "internal" else \
            f"{self.case.meta.id}:{record.kind}"
        entity.add(prop, value, lang=lang, origin=origin)

    def put_names(self, entity: StatementEntity, names: Iterable[Name], record: Record,
                  field_name: str) -> None:
        for index, name in enumerate(names):
            prop = _NAME_PROPS[name.type] if entity.schema.name != "Position" else "name"
            self.put(entity, prop, name.name, record, field_name, index, lang=name.lang)

    # -- records -----------------------------------------------------------------
    def actor(self, record: Actor) -> None:
        if isinstance(record, Person):
            entity = self.make("Person", self.entity_id(record))
            self.put(entity, "gender", record.gender, record, "gender")
            self.put(entity, "birthDate", record.birth_date, record, "birth_date")
            self.put(entity, "birthPlace", record.birth_place, record, "birth_place")
            self.put(entity, "deathDate", record.death_date, record, "death_date")
            for i, country in enumerate(record.nationality):
                self.put(entity, "nationality", country, record, "nationality", i)
            for i, country in enumerate(record.citizenship):
                self.put(entity, "citizenship", country, record, "citizenship", i)
            for i, status in enumerate(record.statuses):
                topic = vocab.term("person_statuses", status).get("topic")
                self.put(entity, "topics", topic, record, "statuses", i)
            self.posts(entity, record)
        else:
            assert isinstance(record, OrganisationRecord)
            kind = vocab.term("organisation_kinds", record.type)
            entity = self.make(kind.get("schema") or "Organization", self.entity_id(record))
            self.put(entity, "topics", kind.get("topic"), record, "type")
            self.put(entity, "country", record.country, record, "country")
            self.put(entity, "website", record.website, record, "website")
            if record.parent and self.shown(record.parent):
                self.put(entity, "parent", self.ref_id(record.parent), record, "parent")
        self.put_names(entity, record.names, record, "names")
        for i, ident in enumerate(record.identifiers):
            prop = vocab.term("identifier_types", ident.type).get("prop") or "idNumber"
            self.put(entity, prop, ident.number, record, "identifiers", i, "number")
        for i, address in enumerate(record.addresses):
            self.put(entity, "address", address, record, "addresses", i)
        self.cite(record, entity, record.evidence, "evidence", "identification")

    def position(self, record: Position) -> None:
        entity = self.make("Position", self.entity_id(record))
        self.put_names(entity, record.title, record, "title")
        self.put(entity, "country", record.country, record, "country")
        if record.organisation and self.shown(record.organisation):
            self.put(entity, "organization", self.ref_id(record.organisation), record,
                     "organisation")

    def posts(self, holder: StatementEntity, person: Person) -> None:
        """The titles of the posts ``person`` held (``position``), each from its tenure
        (with the tenure's provenance) — a tenure that is compiled itself: with the person
        made, an entity is whole once its own record is compiled."""
        for record in self.case.tenures_of.get(person.id, []):
            position = self.index.get(record.position)
            if record.id in self.skip or not self.shown(record.id) or \
                    not self.shown(record.position) or not isinstance(position, Position):
                continue
            self.put(holder, "position", position.title[0].name, record, "position",
                     lang=position.title[0].lang)

    def tenure(self, record: Tenure) -> None:
        if not (self.shown(record.person) and self.shown(record.position)):
            return
        entity = self.make("Occupancy", self.entity_id(record))
        self.put(entity, "holder", self.ref_id(record.person), record, "person")
        self.put(entity, "post", self.ref_id(record.position), record, "position")
        self.put(entity, "startDate", record.start, record, "start")
        self.put(entity, "endDate", record.end, record, "end")
        self.cite(record, entity, record.evidence, "evidence", "evidence")

    def relation(self, record: Relation) -> None:
        if not (self.shown(record.subject) and self.shown(record.organisation)):
            return
        schema, subject, organisation = RELATIONS[record.type]
        entity = self.make(schema, self.entity_id(record))
        self.put(entity, subject, self.ref_id(record.subject), record, "subject")
        self.put(entity, organisation, self.ref_id(record.organisation), record,
                 "organisation")
        self.put(entity, "role", record.role, record, "role")
        if record.type == "ownership":
            self.put(entity, "percentage", record.share, record, "share")
        self.put(entity, "startDate", record.start, record, "start")
        self.put(entity, "endDate", record.end, record, "end")
        self.cite(record, entity, record.evidence, "evidence", "evidence")

    def source(self, record: Source) -> None:
        # Document requires a fileName; a published text without a file is an Article.
        schema = "Document" if record.file else "Article"
        entity = self.make(schema, self.entity_id(record))
        self.put(entity, "title", record.title, record, "title", lang=record.language)
        self.put(entity, "publisher", record.publisher, record, "publisher")
        self.put(entity, "author", record.author, record, "author")
        self.put(entity, "sourceUrl", record.url, record, "url")
        self.put(entity, "sourceUrl", record.archive_url, record, "archive_url")
        self.put(entity, "publishedAt", record.published, record, "published")
        self.put(entity, "retrievedAt", record.accessed, record, "accessed")
        self.put(entity, "language", record.language, record, "language")
        named = record.file_for(self.audience)
        if named:
            where = "file" if named == record.file else "redacted_file"
            self.put(entity, "fileName", PurePosixPath(named).name, record, where)
            # FtM's contentHash is the SHA-1 of the file (Aleph's convention); the
            # SHA-256 stays in the case for the evidence register.
            sha1 = _sha1(self.case.root / named)
            self.put(entity, "contentHash", sha1, record, where)
        self.collection(entity, record)
        for i, addressee in enumerate(record.addressees):
            if not self.shown(addressee):
                continue
            doc = self.make("Documentation", make_id(self.case.meta.id_prefix, "addressee",
                                                     record.id, addressee))
            self.put(doc, "document", entity.id, record, "addressees", i)
            self.put(doc, "entity", self.ref_id(addressee), record, "addressees", i)
            self.put(doc, "role", "addressee", record, "addressees", i)

    def collection(self, entity: StatementEntity, record: Source) -> None:
        """The source's collection record as far as FtM's stock document properties carry
        it: when it was retrieved (every audience), and for the case database and the
        government the tool (``crawler``) and the whole record in words (``notes``:
        who, how, from where, each verification step and transfer of custody)."""
        found = record.collection
        if found is None:
            return
        self.put(entity, "retrievedAt", found.at[:19].rstrip("Z"), record, "collection",
                 "at")
        if self.audience not in (None, "government"):
            return
        self.put(entity, "crawler", found.tool, record, "collection", "tool")
        # in English, in the words of the government register (the dossiers' catalogue)
        def say(key: str, **values: object) -> str:
            return text(f"pdf.{key}", "en", **values)

        parts = [say("collected_full", when=found.at, by=found.by,
                     method=vocab.label("collection_methods", found.method))]
        if found.tool:
            parts.append(say("collected_tool", tool=found.tool))
        if found.location:
            parts.append(say("collected_from", place=found.location))
        lines = [f"{say('collected')}: {' '.join(parts)}"]
        for step in found.verification:
            what = say("verified_step", step=vocab.label("verification_steps", step.step),
                       by=step.by, date=step.date)
            lines.append(f"{say('verified')}: {what}"
                         + (f": {step.result}" if step.result else ""))
        for move in found.custody:
            lines.append(f"{say('custody')}: "
                         f"{say('custody_step', giver=move.giver, to=move.to, at=move.at)}"
                         + (f" ({move.how})" if move.how else ""))
        self.put(entity, "notes", "\n".join(lines), record, "collection", lang="eng")

    def incident(self, record: Incident) -> None:
        entity = self.make("Event", self.entity_id(record))
        self.put(entity, "name", record.title, record, "title")
        if record.end_date:
            self.put(entity, "startDate", record.date, record, "date")
            self.put(entity, "endDate", record.end_date, record, "end_date")
        else:
            self.put(entity, "date", record.date, record, "date")
        self.put(entity, "location", record.place, record, "place")
        self.put(entity, "country", record.country, record, "country")
        self.put(entity, "summary", record.description, record, "description")
        for i, violation in enumerate(record.violations):
            self.put(entity, "keywords", vocab.label("violation_types", violation), record,
                     "violations", i, lang="eng")
        for i, victim in enumerate(record.victims):
            if not self.shown(victim):
                continue
            link = self.make("UnknownLink", make_id(self.case.meta.id_prefix, "victim",
                                                     record.id, victim))
            self.put(link, "subject", self.ref_id(victim), record, "victims", i)
            self.put(link, "object", entity.id, record, "victims", i)
            self.put(link, "role", "victim", record, "victims", i)
        self.cite(record, entity, record.evidence, "evidence", "evidence")

    def attribution(self, record: Attribution) -> None:
        if not (self.shown(record.actor) and self.shown(record.incident)):
            return
        entity = self.make("UnknownLink", self.entity_id(record))
        self.put(entity, "subject", self.ref_id(record.actor), record, "actor")
        self.put(entity, "object", self.ref_id(record.incident), record, "incident")
        self.put(entity, "role", vocab.label("modes_of_responsibility", record.mode), record,
                 "mode", lang="eng")
        self.put(entity, "status", record.status, record, "status")
        self.cite(record, entity, record.evidence, "evidence", "evidence")
        self.cite(record, entity, record.contrary_evidence, "contrary_evidence",
                  "contrary evidence")

    def cite(self, record: Record, entity: StatementEntity, refs: list[str], field_name: str,
             relation: str) -> None:
        """One Documentation per evidence item cited by ``record``."""
        for i, ref in enumerate(refs):
            item = self.index.get(ref)
            if not isinstance(item, Evidence) or not self.shown(ref) or not self.shown(item.source):
                continue
            source = self.index[item.source]
            assert isinstance(source, Source)
            doc = self.make("Documentation", make_id(self.case.meta.id_prefix, "documentation",
                                                     item.id, record.kind, record.id, relation))
            self.put(doc, "document", self.ref_id(item.source), item, "source")
            self.put(doc, "entity", entity.id, record, field_name, i)
            self.put(doc, "role", f"{relation} ({item.type})", record, field_name, i)
            self.put(doc, "recordId", item.locator, item, "locator")
            self.put(doc, "summary", item.excerpt, item, "excerpt", lang=item.excerpt_lang)
            self.put(doc, "description", item.translation, item, "translation",
                     lang=item.translation_lang if item.translation else None)
            self.put(doc, "date", item.date, item, "date")
            self.put(doc, "status", f"{source.reliability}{item.credibility}", item, "credibility")

    def ref_id(self, local_id: str) -> str:
        return self.entity_id(self.index[local_id])

    def stream(self, part: int = 0, parts: int = 1) -> Iterator[StatementEntity]:
        """The entities as they are made, record by record, in no particular order (each
        let go once given: a large case's entities are never all held at once). With
        ``parts``, only those of the ``part``-th (0-based) of ``parts`` equal runs of each
        kind of record: ``parts`` processes, one per part, make every entity once between
        them, each with as many records of each kind, read from as few pages of memory
        as may be (a forked process copies a page it reads).

        Raises:
            InvalidCase: once all are given, if a value could not be stored.
        """
        kinds: list[Sequence[Record]] = [
            self.case.people, self.case.organisations, self.case.positions,
            self.case.sources, self.case.incidents, self.case.tenures, self.case.relations,
            self.case.attributions]
        records = [record for kind in kinds for record in
                   kind[part * len(kind) // parts:(part + 1) * len(kind) // parts]]
        for record in records:
            if record.id in self.skip or not self.shown(record.id):
                continue
            self.record(record)
            made, self.entities = self.entities, {}
            yield from made.values()
        if self.problems:
            raise InvalidCase(self.problems)

    def run(self) -> list[StatementEntity]:
        """Every entity, sorted by id."""
        made = {str(entity.id): entity for entity in self.stream()}
        return [made[key] for key in sorted(made)]

    def record(self, record: Record) -> None:
        """Make the entities of one record."""
        if isinstance(record, Actor):
            self.actor(record)
        elif isinstance(record, Position):
            self.position(record)
        elif isinstance(record, Source):
            self.source(record)
        elif isinstance(record, Incident):
            self.incident(record)
        elif isinstance(record, Tenure):
            self.tenure(record)
        elif isinstance(record, Relation):
            self.relation(record)
        elif isinstance(record, Attribution):
            self.attribution(record)


def compile_case(case: Case, shown: frozenset[str] | None = None,
                 skip: frozenset[str] = frozenset(), provenance: str = "internal",
                 audience: str | None = None) -> list[StatementEntity]:
    """The FtM entities of ``case``, sorted by id.

    Args:
        case: a validated case.
        shown: ids of the records an audience may see
            (:func:`entities.case.levels.visible_ids`), or ``None`` for every record
            (the case database).
        skip: ids of records to leave out (e.g. attributions held back by review).
        provenance: ``internal`` (``file:line`` origins, for the case database) or
            ``external`` (``case-id:kind``, for what an audience receives).
        audience: whose outputs these are (``None``: the case database): a source's
            redacted copy and how much of its collection record (see
            :meth:`Compiler.collection`).
    """
    return Compiler(case, shown, skip, provenance, audience).run()


def stream_case(case: Case, part: int = 0, parts: int = 1) -> Iterator[StatementEntity]:
    """The entities of every record of ``case`` with ``file:line`` provenance (the case
    database's), one at a time as they are made, in no particular order: what
    :func:`compile_case` gives for the database, without ever holding them all — or
    one ``part`` of them in ``parts`` (:meth:`Compiler.stream`).

    Raises:
        InvalidCase: once all are given, if a value could not be stored.
    """
    return Compiler(case).stream(part, parts)


_SHA1: dict[tuple[str, int, int], str] = {}


def _sha1(path: Path) -> str:
    """The SHA-1 of a source file, computed once per process for an unchanged file (a
    build compiles the case twice: for its database and for the audience)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _SHA1:
        _SHA1[key] = file_digest(path, "sha1")
    return _SHA1[key]
