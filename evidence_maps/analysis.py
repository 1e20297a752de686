"""The evidence map of a case for one audience: graded attributions (direct and
inferred), targets with their regime findings, the person × incident matrix, and the
review gate.

:func:`analyse` is run once per audience, by :class:`evidence_maps.view.CaseView`, on
what that audience may see; the source groups and the inferences it rests on are
computed once per case view too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from entities.case import vocab
from entities.case.case import Case
from entities.case.model import Actor, Evidence, Person, Record, Tenure
from entities.i18n import Msg
from evidence_maps.grading import GRADES, Grade, grade_attribution, grade_evidence, grade_inferred
from evidence_maps.inference import Inferred
from evidence_maps.regimes import Facts, RegimeFinding, assess

#: why an attribution graded insufficient is in no output, for any audience
INSUFFICIENT = "graded insufficient: too weak to state in any output"

#: Audiences that see only reviewed attributions unless told otherwise.
REVIEWED_ONLY = {"public", "parliament"}


def drafts_included(audience: str | None, include_drafts: bool | None) -> bool:
    """Whether draft attributions count for ``audience`` (``--include-drafts`` or not)."""
    if include_drafts is None:
        return audience not in REVIEWED_ONLY
    return include_drafts


@dataclass
class AttributionView:
    """One actor → incident link, direct or inferred, with its grade."""

    id: str
    actor: str
    incident: str
    mode: str
    status: str
    evidence: tuple[str, ...]
    contrary: tuple[str, ...]
    inferred: bool
    grade: Grade
    #: how an inferred attribution was inferred (a catalogue message)
    why: Msg | None = None
    #: keys (not for printing) of supporting evidence this audience may not see; each
    #: document prints them as "Withheld item N", numbered within itself
    withheld: tuple[str, ...] = ()
    #: keys of contrary evidence this audience may not see
    withheld_contrary: tuple[str, ...] = ()

    @property
    def mode_label(self) -> str:
        return vocab.label("modes_of_responsibility", self.mode)

    @property
    def explanation(self) -> str:
        """How it was inferred, in English (empty for a direct attribution)."""
        return str(self.why) if self.why is not None else ""


@dataclass
class TargetView:
    """An actor with attributions (or marked as a target) and what they amount to."""

    id: str
    kind: str
    name: str
    attributions: list[AttributionView]
    findings: list[RegimeFinding]

    @property
    def strongest(self) -> str:
        return max((a.grade.level for a in self.attributions), key=GRADES.index,
                   default="insufficient")


@dataclass(frozen=True)
class HeldBack:
    """An attribution left out of this audience's outputs, and why — for the case team
    only (the build prints it): no output names it, since even its id and the fact that
    an unreviewed or unsupported allegation exists tell the reader something."""

    attribution: str
    reason: str
    #: the reason is that its evidence is withheld: then not even ``dossier check`` for
    #: this audience names it (only the build's report to the case team does)
    hidden: bool = False


@dataclass
class CaseAnalysis:
    attributions: list[AttributionView]
    targets: list[TargetView]
    held_back: list[HeldBack] = field(default_factory=list)
    #: withheld-evidence key → Admiralty grade, for evidence withheld from this audience
    withheld: dict[str, str] = field(default_factory=dict)
    #: withheld-evidence key → why it is withheld: ``restricted`` or ``confidential``
    withheld_levels: dict[str, str] = field(default_factory=dict)

    def matrix(self) -> dict[str, dict[str, dict[str, Any]]]:
        """actor → incident → {mode, grade, inferred, status, attribution}."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for att in self.attributions:
            out.setdefault(att.actor, {})[att.incident] = {
                "attribution": att.id, "mode": att.mode, "grade": att.grade.level,
                "inferred": att.inferred, "status": att.status}
        return out


def primary_name(actor: Actor) -> str:
    """The first name of type ``name`` (else the first name at all)."""
    return next((n.name for n in actor.names if n.type == "name"), actor.names[0].name)


class _Placeholders:
    """Keys for withheld evidence (``withheld-N``, in the order they are met), and their
    grades. The keys are for the view only: documents print their own numbering."""

    def __init__(self, case: Case):
        self.case = case
        self.labels: dict[str, str] = {}
        self.grades: dict[str, str] = {}
        self.levels: dict[str, str] = {}

    def __call__(self, ids: Iterable[str], shown: frozenset[str]) -> tuple[str, ...]:
        out = []
        for evidence_id in ids:
            item = self.case.index.get(evidence_id)
            if evidence_id in shown or not isinstance(item, Evidence):
                continue
            if evidence_id not in self.labels:
                label = f"withheld-{len(self.labels) + 1}"
                self.labels[evidence_id] = label
                source = self.case.index.get(item.source)
                self.grades[label] = f"{getattr(source, 'reliability', '?')}{item.credibility}"
                levels = [self.case.sensitivity(r) for r in (item, source)
                          if isinstance(r, Record)]
                self.levels[label] = "confidential" if "confidential" in levels else \
                    "restricted"
            out.append(self.labels[evidence_id])
        return tuple(out)


def analyse(case: Case, shown: frozenset[str], include_drafts: bool,
            groups: dict[str, str], inferred: list[Inferred],
            omit_withheld: bool = False, assess_now: bool = True) -> CaseAnalysis:
    """Grade every attribution the audience may see and assess every target.

    Args:
        shown: the records the audience may see (:func:`entities.case.levels.visible_ids`).
        include_drafts: whether draft attributions count.
        groups: the independence groups of the sources (:func:`source_groups`).
        inferred: the inferences through posts held (:func:`infer`).
        omit_withheld: leave evidence the audience may not see out entirely, with no
            placeholder (the public: a placeholder tells a small community that a
            confidential source exists); its contrary evidence still lowers the grade.
        assess_now: assess the targets against the regimes here; ``False`` leaves their
            findings empty for :func:`reassess` to fill once every fact (the screening
            results) is known — a case's regimes are assessed once, not twice.

    Only attributions that cite evidence the audience may see count, drafts only when
    ``include_drafts``, and none graded *insufficient* (for any audience: an output never
    states it, and a target with nothing else gets no dossier). What was held back, and
    why, is listed. Withheld supporting evidence is not counted in a grade; withheld
    contrary evidence still lowers it (a version for a wider audience never claims more
    confidence than the whole case).
    """
    index = case.index
    views: dict[str, AttributionView] = {}
    held: list[HeldBack] = []
    placeholders = _Placeholders(case)

    def usable(ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(e for e in ids if e in shown and isinstance(index.get(e), Evidence))

    for att in case.attributions:
        if att.id not in shown:
            continue
        evidence = usable(att.evidence)
        contrary = usable(att.contrary_evidence)
        if not att.evidence:
            held.append(HeldBack(att.id, "cites no evidence"))
            continue
        if not evidence:
            held.append(HeldBack(att.id, "cites only evidence this audience may not see",
                                 hidden=True))
            continue
        if att.status == "rejected":
            held.append(HeldBack(att.id, "rejected by a reviewer"))
            continue
        if att.status != "reviewed" and not include_drafts:
            held.append(HeldBack(att.id, "draft: not yet reviewed"))
            continue
        withheld = placeholders(att.evidence, shown)
        withheld_contrary = placeholders(att.contrary_evidence, shown)
        grade = grade_attribution(case, evidence, contrary, groups, withheld_contrary,
                                  omit_withheld)
        if omit_withheld:
            withheld, withheld_contrary = (), ()
        if grade.level == "insufficient":
            held.append(HeldBack(att.id, INSUFFICIENT))
            continue
        views[att.id] = AttributionView(att.id, att.actor, att.incident, att.mode, att.status,
                                        evidence, contrary, False, grade, None, withheld,
                                        withheld_contrary)
    for inf in inferred:
        org_view = views.get(inf.via_attribution)
        tenure = index[inf.via_tenure]
        if org_view is None or inf.actor not in shown or not isinstance(tenure, Tenure) or \
                tenure.id not in shown:
            continue
        tenure_grade = grade_evidence(case, usable(tenure.evidence), groups)
        grade = grade_inferred(org_view.grade, tenure_grade)
        if grade.level == "insufficient":
            held.append(HeldBack(inf.id, INSUFFICIENT))
            continue
        views[inf.id] = AttributionView(
            inf.id, inf.actor, inf.incident, inf.mode, inf.status,
            tuple(dict.fromkeys([*usable(tenure.evidence), *org_view.evidence])), (), True,
            grade, inf.why)
    attributions = list(views.values())
    if omit_withheld:
        analysis = CaseAnalysis(attributions, _targets(case, attributions, shown), held)
    else:
        analysis = CaseAnalysis(attributions, _targets(case, attributions, shown), held,
                                placeholders.grades, placeholders.levels)
    if assess_now:
        reassess(analysis, Facts(case, shown))
    return analysis


def _targets(case: Case, attributions: list[AttributionView], shown: frozenset[str]
             ) -> list[TargetView]:
    """The targets, their findings not yet assessed (:func:`reassess`)."""
    by_actor: dict[str, list[AttributionView]] = {}
    for att in attributions:
        by_actor.setdefault(att.actor, []).append(att)
    out = []
    actors: list[Actor] = [*case.people, *case.organisations]
    for actor in actors:
        atts = by_actor.get(actor.id, [])
        if not (atts or actor.target) or actor.id not in shown:
            continue
        kind = "person" if isinstance(actor, Person) else "organisation"
        out.append(TargetView(actor.id, kind, primary_name(actor), atts, []))
    return out


def reassess(analysis: CaseAnalysis, facts: Facts) -> None:
    """Assess the targets against the regimes with ``facts`` (the screening results
    included, once read)."""
    for target in analysis.targets:
        target.findings = assess(facts, target.id, target.kind, target.attributions)
