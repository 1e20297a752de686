"""The evidence map of a case: graded attributions (direct and inferred), targets with
their regime findings, the person × incident matrix, and the review gate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from entities.case import vocab
from entities.case.case import Case
from entities.case.levels import visible
from entities.case.model import Actor, Incident, Person, Tenure
from evidence_maps.corroboration import source_groups
from evidence_maps.grading import GRADES, Grade, grade_attribution, grade_evidence, grade_inferred
from evidence_maps.inference import Gap, infer
from evidence_maps.regimes import RegimeFinding, assess

#: Audiences that see only reviewed attributions unless told otherwise.
REVIEWED_ONLY = {"public", "parliament"}


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
    explanation: str = ""
    #: placeholders ("Withheld item 1") for evidence this audience may not see
    withheld: tuple[str, ...] = ()

    @property
    def mode_label(self) -> str:
        return vocab.label("modes_of_responsibility", self.mode)


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


@dataclass
class CaseAnalysis:
    attributions: list[AttributionView]
    gaps: list[Gap]
    targets: list[TargetView]
    held_back: list[tuple[str, str]] = field(default_factory=list)
    #: placeholder → Admiralty grade, for evidence withheld from this audience
    withheld: dict[str, str] = field(default_factory=dict)

    def matrix(self) -> dict[str, dict[str, dict[str, Any]]]:
        """actor → incident → {mode, grade, inferred, status, attribution}."""
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for att in self.attributions:
            out.setdefault(att.actor, {})[att.incident] = {
                "attribution": att.id, "mode": att.mode, "grade": att.grade.level,
                "inferred": att.inferred, "status": att.status}
        return out


def _name(actor: Actor) -> str:
    return next((n.name for n in actor.names if n.type == "name"), actor.names[0].name)


def analyse(case: Case, audience: str | None = None, include_drafts: bool | None = None
            ) -> CaseAnalysis:
    """Grade every attribution and assess every target for ``audience``.

    For the public and parliament audiences only reviewed attributions count unless
    ``include_drafts``; attributions without evidence never count. Records the audience
    may not see are left out; what was held back, and why, is listed.
    """
    if include_drafts is None:
        include_drafts = audience not in REVIEWED_ONLY
    groups = source_groups(case)
    index = case.index

    def shown(local_id: str) -> bool:
        record = index.get(local_id)
        return record is not None and visible(case.sensitivity(record), audience)

    def usable(ids: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        return tuple(e for e in ids if shown(e) and shown(index[e].source))  # type: ignore[attr-defined]

    views: dict[str, AttributionView] = {}
    held: list[tuple[str, str]] = []
    labels: dict[str, str] = {}
    grades: dict[str, str] = {}

    def placeholders(ids: list[str], kept: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for evidence_id in ids:
            if evidence_id in kept or evidence_id not in index:
                continue
            if evidence_id not in labels:
                labels[evidence_id] = f"Withheld item {len(labels) + 1}"
                item = index[evidence_id]
                source = index.get(getattr(item, "source", ""))
                grades[labels[evidence_id]] = (f"{getattr(source, 'reliability', '?')}"
                                               f"{getattr(item, 'credibility', '?')}")
            out.append(labels[evidence_id])
        return tuple(out)

    for att in case.attributions:
        if not (shown(att.id) and shown(att.actor) and shown(att.incident)):
            continue
        evidence = usable(att.evidence)
        contrary = usable(att.contrary_evidence)
        view = AttributionView(att.id, att.actor, att.incident, att.mode, att.status,
                               evidence, contrary, False,
                               grade_attribution(case, evidence, contrary, groups))
        if not evidence:
            held.append((att.id, "cites no evidence this audience may see"))
        elif att.status != "reviewed" and not include_drafts:
            held.append((att.id, "draft: not yet reviewed"))
        else:
            view.withheld = placeholders([*att.evidence, *att.contrary_evidence],
                                         evidence + contrary)
            views[att.id] = view
    inferred, gaps = infer(case)
    for inf in inferred:
        org_view = views.get(inf.via_attribution)
        tenure = index[inf.via_tenure]
        if org_view is None or not shown(inf.actor) or not isinstance(tenure, Tenure) or \
                not shown(tenure.id):
            continue
        tenure_grade = grade_evidence(case, usable(tenure.evidence), groups)
        views[inf.id] = AttributionView(
            inf.id, inf.actor, inf.incident, inf.mode, inf.status,
            tuple(dict.fromkeys([*usable(tenure.evidence), *org_view.evidence])), (), True,
            grade_inferred(org_view.grade, tenure_grade), inf.explanation)
    attributions = list(views.values())
    return CaseAnalysis(attributions, gaps, _targets(case, attributions, shown), held,
                        grades)


def _targets(case: Case, attributions: list[AttributionView], shown: Any) -> list[TargetView]:
    by_actor: dict[str, list[AttributionView]] = {}
    for att in attributions:
        by_actor.setdefault(att.actor, []).append(att)
    out = []
    actors: list[Actor] = [*case.people, *case.organisations]
    for actor in actors:
        atts = by_actor.get(actor.id, [])
        if not (atts or actor.target) or not shown(actor.id):
            continue
        kind = "person" if isinstance(actor, Person) else "organisation"
        claims = []
        for att in atts:
            if att.grade.level == "insufficient":
                continue  # too weak to argue that any regime's criteria are met
            incident = case.index[att.incident]
            assert isinstance(incident, Incident)
            claims.append((att.incident, att.mode, list(incident.violations)))
        out.append(TargetView(actor.id, kind, _name(actor), atts, assess(kind, claims)))
    return out
