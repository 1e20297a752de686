"""One view of a case per audience: everything an output may say, worked out once.

A :class:`CaseView` is made once per build (or command) and audience. It holds the
records that audience may see (:func:`entities.case.levels.visible_ids`, the one
visibility rule), the analysis of what they amount to (grades, inference, regime
outcomes, the review gate), the check findings the audience may see, the pseudonyms of
protected people, the screening outcome, the registered evidence files, and the
FollowTheMoney entities of the case — proposals and confirmed designations included —
with identity judgements applied to all of them at once, so that every reference uses
the canonical id of a merged record.

Every output (PDFs, workbook, dataset, FtM JSON, evidence map, pictures, ``check
--json``, ``screen --json``) reads from a view and from nothing else, so none of them
decides again what its audience may see. A view never touches the database after it is
made: it can be handed to worker processes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from followthemoney import Statement, StatementEntity
from nomenklatura.resolver import Linker
from normality import slugify

from entities.case.case import Case
from entities.case.levels import AUDIENCES, visible_ids
from entities.case.model import Actor, Position, Record, Relation, Tenure
from entities.db.evidence_files import Registered
from entities.db.judgements import canonical_entities, merged_referents
from entities.exc import Problem
from entities.ftm.compile import case_dataset, compile_case
from entities.ftm.ids import make_id, record_id
from entities.ftm.lines import entity_line
from evidence_maps.analysis import (
    CaseAnalysis,
    TargetView,
    analyse,
    drafts_included,
    primary_name,
    reassess,
)
from evidence_maps.checks import Finding, file_findings, findings_for, run_checks
from evidence_maps.corroboration import source_groups
from evidence_maps.designations import DesignationReport, designation_gaps
from evidence_maps.free_text import find_protected_names, protected_patterns, redacted
from evidence_maps.free_text import problems as name_problems
from evidence_maps.inference import Gap, infer
from evidence_maps.listing_entities import designation_entities, proposal_entities
from evidence_maps.pseudonyms import pseudonyms
from evidence_maps.regimes import Facts

if TYPE_CHECKING:
    from entities.db.database import CaseDatabase


@dataclass(frozen=True)
class Post:
    """A post a person held, as an audience may see it: the tenure, the position and the
    position's organisation (``None`` when it has none or the audience may not see it)."""

    tenure: Tenure
    position: Position
    organisation: Actor | None

    @property
    def title(self) -> str:
        return self.position.title[0].name

    @property
    def period(self) -> str:
        return f"{self.tenure.start or '?'} – {self.tenure.end or ''}"


@dataclass
class CaseView:
    """The case as one audience sees it. Make one with :meth:`build`."""

    case: Case
    audience: str
    include_drafts: bool
    #: ids of the records this audience may see
    shown: frozenset[str]
    analysis: CaseAnalysis
    #: check findings that this audience's outputs may print: about records it may see,
    #: naming no other record and no attribution held back from it
    findings: list[Finding]
    #: person id → "Witness A", "Victim 1" for protected people a visible record names
    pseudonyms: dict[str, str]
    #: post holders who could not be linked to an incident through their post, and why
    gaps: list[Gap] = field(default_factory=list)
    #: the screening outcome of this audience's targets (``None``: no database read)
    screening: DesignationReport | None = None
    #: registered evidence files by path
    files: dict[str, Registered] = field(default_factory=dict)
    #: identity judgements (positive ones) as nomenklatura applies them
    linker: Linker[StatementEntity] = field(default_factory=lambda: Linker({}))
    #: statements of imported entities judged the same as a record this audience may see
    extra: list[Statement] = field(default_factory=list)
    #: the hash of the audit log's newest entry when the view was made (a delivered
    #: output can then prove what state of the log it was made from)
    audit_head: str | None = None
    #: check findings for the case team (``dossier check``, the build's report): those
    #: of ``findings`` and those about held-back drafts and attributions without evidence
    checks: list[Finding] = field(default_factory=list)
    #: free text that names someone this audience may not see (a build stops on these,
    #: unless the case pseudonymises free text: then the view's case says so instead)
    protected_names: list[Problem] = field(default_factory=list)
    #: where the build's dataset folder will be published (``--base-url``); the URLs in
    #: its index start here (``None``: the exporter's local default)
    publish_url: str | None = None
    #: when each statement id was first seen (from the case database), and the time a
    #: statement seen for the first time in this view gets; ``None``: no times at all
    seen: dict[str, str] | None = None
    now: str = ""
    #: the statement ids of the entities before merging (and of ``extra``) not in ``seen``
    _fresh: list[str] = field(default_factory=list, repr=False)
    #: the entities merging made anew (the others are those dated, as they were)
    _remade: list[StatementEntity] = field(default_factory=list, repr=False)

    @classmethod
    def build(cls, case: Case, audience: str, include_drafts: bool | None = None,
              db: CaseDatabase | None = None,
              files: dict[str, Registered] | None = None, lang: str = "en") -> CaseView:
        """The view of ``case`` for ``audience`` (``public``, ``parliament`` or
        ``government``). Drafts count for the government unless ``include_drafts`` is
        False, for the others only when it is True. With ``db``, the identity judgements,
        the screening results and (unless ``files`` is given) the evidence-file register
        are read from it; without, the view has none of them. ``lang``: the language
        of what replaces a protected name in free text (``pseudonymise_free_text``).
        """
        if audience not in AUDIENCES:
            raise ValueError(f"unknown audience {audience!r}")
        shown = visible_ids(case, audience)
        drafts = drafts_included(audience, include_drafts)
        groups = source_groups(case)
        inferred, gaps = infer(case)
        roles = pseudonyms(case, shown)
        hits = find_protected_names(case, shown, roles)
        if hits and case.meta.pseudonymise_free_text:
            case = redacted(case, hits, protected_patterns(case, shown, roles), lang)
        # with a database, the regimes are assessed once its screening results are read
        analysis = analyse(case, shown, drafts, groups, inferred,
                           omit_withheld=audience == "public", assess_now=db is None)
        # an attribution held back (a draft, no evidence, or only withheld evidence) does
        # not exist for this audience: no output and no finding may name it
        speakable = shown - {h.attribution for h in analysis.held_back}
        found = run_checks(case, groups, inferred, gaps, shown)
        view = cls(case, audience, drafts, shown, analysis, findings_for(case, found, speakable),
                   pseudonyms(case, shown),
                   [g for g in gaps if g.tenure in shown and g.attribution in speakable])
        view.checks = findings_for(
            case, found, shown - {h.attribution for h in analysis.held_back if h.hidden})
        if hits and not case.meta.pseudonymise_free_text:
            view.protected_names = name_problems(case, hits)
        if db is not None:
            view._read(db, files)
        return view

    def _read(self, db: CaseDatabase, files: dict[str, Registered] | None) -> None:
        from entities.db.evidence_files import FileRegistry
        from entities.db.judgements import Judgements

        case = self.case
        self.files = files if files is not None else FileRegistry(db, case).registered()
        self.linker = Judgements(db).linker()
        own = {self.raw_id(r.id) for r in case.records()}
        merged = merged_referents(self.linker, {self.raw_id(i) for i in self.shown}) - own
        self.extra = db.statements.statements_of(merged) if merged else []
        from entities.db.audit import AuditLog

        self.audit_head = AuditLog(db).head()
        from entities.db.custody import file_problems

        kept = findings_for(case, file_findings(case, file_problems(db, case, self.files)),
                            self.shown)
        self.findings += kept
        self.checks += kept
        runs = db.screening.runs(case.meta.id)
        decisions = db.screening.decisions(case.meta.id)
        self.screening = designation_gaps([(t.id, t.name) for t in self.targets], runs,
                                          decisions)
        # conditions on listed principals are decided by the screening results
        reassess(self.analysis, Facts(case, self.shown, self.screening))

    # -- records as this audience sees them ---------------------------------------------
    @property
    def targets(self) -> list[TargetView]:
        """The targets of this audience's outputs, in the case's order."""
        return self.analysis.targets

    def target(self, local_id: str) -> TargetView:
        return next(t for t in self.targets if t.id == local_id)

    def record(self, local_id: str) -> Record:
        """A record this audience may see (``KeyError`` for any other)."""
        if local_id not in self.shown:
            raise KeyError(local_id)
        return self.case.index[local_id]

    def posts(self, person_id: str) -> list[Post]:
        """The posts ``person_id`` held that this audience may see, in the case's order."""
        out = []
        for tenure in self.case.tenures_of.get(person_id, []):
            if tenure.id not in self.shown:
                continue
            position = self.case.index[tenure.position]
            assert isinstance(position, Position)
            org = self.case.index.get(position.organisation or "")
            visible_org = org if isinstance(org, Actor) and org.id in self.shown else None
            out.append(Post(tenure, position, visible_org))
        return out

    def relations(self, actor_id: str) -> list[Relation]:
        """The ownership, directorship and employment relations of ``actor_id`` (at either
        end) that this audience may see, in the case's order."""
        return [r for r in self.case.relations_of.get(actor_id, []) if r.id in self.shown]

    def subsidiaries(self, org_id: str) -> list[Actor]:
        """The organisations this audience may see whose parent is ``org_id``."""
        return [o for o in self.case.subsidiaries_of.get(org_id, []) if o.id in self.shown]

    # -- FollowTheMoney ------------------------------------------------------------------
    def raw_id(self, local_id: str) -> str:
        """A record's FtM id before identity resolution (:func:`record_id`)."""
        return record_id(self.case.meta.id_prefix, self.case.index[local_id].kind, local_id)

    def entity_id(self, local_id: str) -> str:
        """A record's FtM id in this view's outputs: the canonical id when identity
        judgements merged it with others."""
        return str(self.linker.get_canonical(self.raw_id(local_id)))

    def target_ids(self) -> set[str]:
        """FtM ids of the targets, after identity resolution."""
        return {self.entity_id(t.id) for t in self.targets}

    def target_stem(self, local_id: str) -> str:
        """The file name of a target's outputs: ``<name in Latin letters>-<short id>``
        (``erlan-testov-3f9c01ab2e``) — readable, since the target is visible to this
        audience by definition, and unique by the hash of the case and record id."""
        digest = make_id(self.case.meta.id_prefix, "target", local_id).rsplit("-", 1)[-1]
        record = self.case.index[local_id]
        name = primary_name(record) if isinstance(record, Actor) else local_id
        slug = (slugify(name) or "target")[:60].strip("-")
        return f"{slug}-{digest[:10]}"

    @cached_property
    def _entities(self) -> tuple[list[StatementEntity], list[StatementEntity]]:
        held = frozenset(h.attribution for h in self.analysis.held_back)
        records = compile_case(self.case, self.shown, skip=held, provenance="external",
                               audience=self.audience)
        self._mark_targets(records)
        listings = proposal_entities(self.case, self.targets)
        listings += designation_entities(self.case, self.targets, self.screening)
        listed = {str(e.id) for e in listings}
        extra = [s.clone(origin=s.dataset) for s in self.extra]  # no partner file, no line
        self._date([*records, *listings], extra)
        merged = canonical_entities(case_dataset(self.case), [*records, *listings],
                                    self.linker, extra)
        dated = {id(entity) for entity in [*records, *listings]}
        self._remade = [entity for entity in merged if id(entity) not in dated]
        return ([e for e in merged if str(e.id) not in listed],
                [e for e in merged if str(e.id) in listed])

    def _date(self, entities: list[StatementEntity], extra: list[Statement]) -> None:
        """Give every statement its first sighting (``seen``, else ``now``), also as its
        last sighting (a statement is only ever recorded when it appears: an unchanged
        entity keeps every time, and every byte, it had, and the delta holds only what
        changed). An entity's
        ``last_change`` is its id statement's first sighting: that statement's id is a
        checksum of all the others, so it is new exactly when the entity changed."""
        if self.seen is None:
            return
        seen, now = self.seen, self.now
        # only the new ids are kept (a large case has a million statements), each once,
        # in the order first met
        fresh: dict[str, None] = {}

        def stamp(stmt: Statement) -> str:
            key = str(stmt.id)
            found = seen.get(key)
            if found is None:
                fresh[key] = None
                return now
            return found

        for entity in entities:
            for stmt in list(entity.statements):
                if stmt.prop == Statement.BASE:
                    entity.last_change = stamp(stmt)
                else:
                    stmt.first_seen = stmt.last_seen = stamp(stmt)
        for stmt in extra:
            stmt.first_seen = stmt.last_seen = stamp(stmt)
        self._fresh = list(fresh)

    def new_sightings(self) -> Iterator[tuple[str, str]]:
        """The statement ids of this view seen for the first time, each with ``now``
        (what the build records once every output is written), one at a time: an id may
        come twice (in a record's entity and in the entity it was merged into). An entity
        merging left as it was had every statement looked at when it was dated; only
        those merging made anew are looked at again."""
        if self.seen is None:
            return
        self.entities  # noqa: B018 - the times are given while the entities are made
        seen, now = self.seen, self.now
        for entity in self._remade:
            for stmt in entity.statements:
                if (key := str(stmt.id)) not in seen:
                    yield key, now
        for key in self._fresh:
            yield key, now

    def _mark_targets(self, records: list[StatementEntity]) -> None:
        """Give each target the risk topic ``poi`` (person of interest), as zavod and yente
        read ``target`` from the risk topics: a target on a reviewed attribution, or one
        the case marks ``target: true``; never one on drafts alone (nor ``sanction``,
        which only a designation earns)."""
        by_id = {str(e.id): e for e in records}
        for target in self.targets:
            record = self.case.index[target.id]
            reviewed = any(a.status == "reviewed" for a in target.attributions)
            entity = by_id.get(self.raw_id(target.id))
            if entity is not None and (reviewed or getattr(record, "target", False)):
                entity.add("topics", "poi", origin=f"{self.case.meta.id}:target")

    @property
    def record_entities(self) -> list[StatementEntity]:
        """The FtM entities of the records this audience may see, with the identity
        judgements applied (merged records under their canonical id), sorted by id."""
        return self._entities[0]

    @property
    def listing_entities(self) -> list[StatementEntity]:
        """The proposals (``Risk``) and confirmed designations (``Sanction``) of this
        audience's targets, referring to them by their canonical ids, sorted by id."""
        return self._entities[1]

    @cached_property
    def entities(self) -> list[StatementEntity]:
        """Every FtM entity of this view: records, proposals and designations, by id."""
        return sorted([*self.record_entities, *self.listing_entities], key=lambda e: str(e.id))

    @cached_property
    def entity_lines(self) -> dict[str, bytes]:
        """Each entity's JSON line (:func:`entities.ftm.lines.entity_line`) by id, made
        once for every output that writes entities."""
        return {str(e.id): entity_line(e) for e in self.entities}

    def entity_of(self, local_id: str) -> StatementEntity | None:
        """The (merged) entity of a record, or ``None`` if this view has none for it."""
        return self._by_id.get(self.entity_id(local_id))

    @cached_property
    def _by_id(self) -> dict[str, StatementEntity]:
        return {str(e.id): e for e in self.record_entities}
