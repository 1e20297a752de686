"""Whether a target meets each regime's criteria, and what is missing — the law of
``regimes.yml`` (:mod:`evidence_maps.regime_data`) applied to one audience's view.

For each attribution of a target and each violation of its incident, a :class:`Ground`
combines the regime's cell for the violation and the cell for the mode of
responsibility: a cell absent means *not met*; ``interpretation``, or a criterion whose
text was not read (``verified: false``), caps it at *by interpretation*; a
``conditional`` cell is decided by its condition (:class:`Facts`). A ground the law
reaches is *criteria met* only when the attribution is reviewed, graded at least the
case's ``minimum_grade`` and the target identifiable; otherwise it is *met subject to
conditions*, and says what further work is needed. A regime's outcome is its best
ground's; a regime that cannot designate the target's kind is *not applicable*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from entities.case import vocab
from entities.case.case import Case
from entities.case.model import Attribution, Incident, OrganisationRecord, Person, Position
from evidence_maps.grading import GRADES
from evidence_maps.regime_data import Cell, Regime, regimes

if TYPE_CHECKING:
    from evidence_maps.analysis import AttributionView
    from evidence_maps.designations import DesignationReport

#: outcomes, best first
OUTCOMES = ("met", "conditional", "interpretation", "not_met", "not_applicable")
_RANK = {"met": 3, "conditional": 2, "interpretation": 1, "not_met": 0, "not_applicable": -1}
#: victim statuses that satisfy the condition defender_victims
DEFENDERS = frozenset({"human_rights_defender", "activist", "journalist", "lawyer",
                       "whistleblower"})
HOLDS, OPEN, FAILS = "holds", "open", "fails"
#: how lists (overview, workbook) mark an outcome after a regime's short name
OUTCOME_MARKS = {"met": "", "conditional": " ~", "interpretation": " ?"}


def _worse(a: str, b: str) -> str:
    return a if _RANK[a] <= _RANK[b] else b


@dataclass(frozen=True)
class Facts:
    """What the conditions and the evidence rules read, for one audience."""

    case: Case
    shown: frozenset[str]
    screening: DesignationReport | None = None

    @property
    def minimum_grade(self) -> str:
        return self.case.meta.minimum_grade

    def official(self, actor_id: str) -> bool | None:
        """Whether an actor is a (current or former) government official: the explicit
        field, the status, or a post this audience may see in a public body."""
        record = self.case.index.get(actor_id)
        if not isinstance(record, Person):
            return None
        if record.official is not None:
            return record.official
        if "official" in record.statuses:
            return True
        for tenure in self.case.tenures:
            if tenure.person != actor_id or tenure.id not in self.shown:
                continue
            position = self.case.index.get(tenure.position)
            org = self.case.index.get(position.organisation or "") \
                if isinstance(position, Position) else None
            if isinstance(org, OrganisationRecord) and org.type == "public_body":
                return True
        return None

    def listed(self, actor_id: str, jurisdiction: str) -> bool | None:
        """Whether the screening found a designation of ``actor_id`` by ``jurisdiction``
        (``None``: not screened, or not for that jurisdiction)."""
        outcome = self.screening.targets.get(actor_id) if self.screening else None
        if outcome is None:
            return None
        status = next((j.status for j in outcome.jurisdictions if j.code == jurisdiction),
                      "not_screened")
        return {"designated": True, "not_found": False}.get(status)

    def identification_gaps(self, actor_id: str) -> list[str]:
        """What a sanctions list would need to identify the target, and the case lacks."""
        record = self.case.index[actor_id]
        gaps = []
        if getattr(record, "unidentified", False):
            gaps.append("the target's identity (the sources do not say who it is)")
        if isinstance(record, Person):
            name = next((n.name for n in record.names if n.type == "name"),
                        record.names[0].name)
            if len(name.split()) < 2:
                gaps.append("the target's full name")
            dated_post = any(t.person == actor_id and t.start and t.id in self.shown
                             for t in self.case.tenures)
            if not (record.birth_date or record.nationality or dated_post):
                gaps.append("the target's date of birth, nationality or a dated post")
        elif isinstance(record, OrganisationRecord) and not record.country:
            gaps.append("the organisation's country")
        return gaps


@dataclass(frozen=True)
class Ground:
    """One attributed incident and one of its violations, as seen from one regime."""

    attribution: str
    incident: str
    violation: str
    mode: str
    outcome: str
    reason: str
    #: the provisions relied on (violation's, mode's)
    provisions: tuple[str, ...] = ()
    #: open conditions and further work needed before the criteria are met
    missing: tuple[str, ...] = ()


@dataclass
class RegimeFinding:
    """Whether a target meets a regime's criteria, why, and what is missing."""

    regime: Regime
    kind: str
    outcome: str
    grounds: list[Ground] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)

    @property
    def best(self) -> Ground | None:
        return max(self.grounds, key=lambda g: (_RANK[g.outcome], -len(g.missing)),
                   default=None)

    @property
    def missing(self) -> tuple[str, ...]:
        """What the best ground still needs (nothing when the criteria are met)."""
        best = self.best
        return best.missing if best is not None and self.outcome != "not_met" else ()

    @property
    def measures(self) -> list[str]:
        """The measures to recommend: only where the criteria are met, and only those the
        regime applies to this kind of target."""
        return self.regime.measures(self.kind) if self.outcome == "met" else []

    @property
    def summary(self) -> str:
        label = {"met": "criteria met", "conditional": "met subject to conditions",
                 "interpretation": "by interpretation", "not_met": "not met",
                 "not_applicable": "not applicable"}[self.outcome]
        return f"{self.regime.short}: {label}"


def _condition(cell: Cell, regime: Regime, facts: Facts, target: str, mode: str,
               incident: Incident, principal: str | None) -> tuple[str, str]:
    """(``holds`` / ``open`` / ``fails``, what it says) for a conditional cell."""
    key = cell.condition
    if key in ("official", "official_or_agent", "official_or_associate"):
        official = facts.official(target)
        if official or (key == "official_or_agent" and mode == "agent_of"):
            return HOLDS, "the target is (or acts for) a government official"
        if official is False and key == "official":
            return FAILS, "the target is recorded as not being a government official"
        wanted = {"official": "be a current or former foreign government official",
                  "official_or_agent": "be a current or former government official, or act "
                                       "for or on behalf of one",
                  "official_or_associate": "be a foreign public official, or an associate "
                                           "of one"}[key]
        return OPEN, (f"the target must {wanted}; the case records no public post for them "
                      "(add the post, or official: true)")
    if key == "family_of_official":
        if principal is None:
            return OPEN, "name the official whose immediate family member the target is " \
                         "(principal)"
        official = facts.official(principal)
        if official:
            return HOLDS, "the principal is a government official"
        if official is False:
            return FAILS, "the principal is recorded as not being a government official"
        return OPEN, "the principal must be a foreign government official; the case " \
                     "records no public post for them"
    if key == "defender_victims":
        statuses = {s for v in incident.victims
                    if isinstance(p := facts.case.index.get(v), Person) for s in p.statuses}
        if statuses & DEFENDERS:
            return HOLDS, "a victim sought to expose officials' illegal acts or to defend " \
                          "human rights"
        if not incident.victims:
            return OPEN, "the victims must be people who expose illegal acts of officials " \
                         "or defend human rights; the case records no victim of the incident"
        return OPEN, "the victims must be people who expose illegal acts of officials or " \
                     "defend human rights; none is recorded as such (journalist, human rights " \
                     "defender, activist, lawyer or whistle-blower)"
    if key == "pattern":
        if incident.pattern and any(e in facts.shown for e in incident.pattern_evidence):
            return HOLDS, f"the analyst assesses the violations as {incident.pattern}"
        if incident.pattern:
            return OPEN, "the evidence that the violations are widespread or systematic is " \
                         "withheld from this version"
        return OPEN, "the case does not assess the violations as widespread, systematic or " \
                     "otherwise of serious concern (pattern, with pattern_evidence)"
    assert key == "principal_listed"
    where = regime.jurisdiction.upper()
    if principal is None:
        return OPEN, f"name the principal, who must already be designated by {where}"
    listed = facts.listed(principal, regime.jurisdiction)
    if listed:
        return HOLDS, f"the principal is designated by {where} (screening)"
    if listed is False:
        return FAILS, f"screening found no designation of the principal by {where}"
    return OPEN, f"the principal must already be designated by {where}; screen them " \
                 "(dossier screen)"


def evidence_gaps(facts: Facts, att: AttributionView) -> list[str]:
    """Further work before an attribution can carry "criteria met"."""
    gaps = []
    if att.status != "reviewed":
        gaps.append("review of the attribution (it is a draft)")
    minimum = facts.minimum_grade
    if GRADES.index(att.grade.level) < GRADES.index(minimum):
        what = "a second independent source" if att.grade.single_source and \
            att.grade.level != "insufficient" else "stronger evidence"
        gaps.append(f"{what} (the evidence is graded {att.grade.level}; this case asks "
                    f"for at least {minimum})")
    return gaps


def _ground(regime: Regime, facts: Facts, target: str, att: AttributionView,
            incident: Incident, violation: str) -> Ground:
    v_label = vocab.label("violation_types", violation)
    m_label = vocab.label("modes_of_responsibility", att.mode)
    v_cell, m_cell = regime.covers(violation), regime.accepts(att.mode)
    base = (att.id, att.incident, violation, att.mode)
    if v_cell is None:
        return Ground(*base, "not_met", f"{regime.short} does not reach '{v_label}'")
    if m_cell is None:
        return Ground(*base, "not_met", f"{regime.short} does not list the mode '{m_label}'")
    record = facts.case.index.get(att.id)
    principal = record.principal if isinstance(record, Attribution) else None
    v_crit, m_crit = regime.criteria[v_cell.cite], regime.criteria[m_cell.cite]
    provisions = tuple(dict.fromkeys([v_crit.provision, m_crit.provision]))
    notes = [f"'{v_label}' ({v_crit.provision}) as '{m_label}' ({m_crit.provision})"]
    outcome, missing = "met", []
    for cell in (v_cell, m_cell):
        if cell.note:
            notes.append(cell.note)
        if cell.level == "interpretation":
            outcome = _worse(outcome, "interpretation")
            notes.append(f"{'the violation' if cell is v_cell else 'the mode'} is covered "
                         "only by interpretation")
        elif cell.level == "conditional":
            state, text = _condition(cell, regime, facts, target, att.mode, incident,
                                     principal)
            if state == FAILS:
                return Ground(*base, "not_met", "; ".join([*notes, text]), provisions)
            if state == HOLDS:
                notes.append(f"condition met: {text}")
            elif cell.condition == "pattern":
                outcome = _worse(outcome, "interpretation")
                notes.append(text)
            else:
                outcome = _worse(outcome, "conditional")
                missing.append(text)
    unread = [c.provision for c in (v_crit, m_crit) if not c.verified]
    if unread:
        outcome = _worse(outcome, "interpretation")
        notes.append(f"the text of {' and '.join(dict.fromkeys(unread))} was not read for "
                     "this tool: argue it, do not assume it")
    missing += evidence_gaps(facts, att) + facts.identification_gaps(target)
    if outcome == "met" and missing:
        outcome = "conditional"
    return Ground(*base, outcome, "; ".join(notes), provisions, tuple(missing))


def assess(facts: Facts, target: str, kind: str, attributions: Iterable[AttributionView]
           ) -> list[RegimeFinding]:
    """Findings of every regime for one target and the attributions its audience sees."""
    claims = []
    for att in attributions:
        incident = facts.case.index[att.incident]
        assert isinstance(incident, Incident)
        claims.append((att, incident))
    findings = []
    for regime in regimes().values():
        if regime.who(kind) is None:
            findings.append(RegimeFinding(regime, kind, "not_applicable", alternatives=[
                f"{regime.short} designates only {regime.designates}"]))
            continue
        grounds = [_ground(regime, facts, target, att, incident, violation)
                   for att, incident in claims for violation in incident.violations]
        best = max((g.outcome for g in grounds), key=_RANK.__getitem__, default="not_met")
        finding = RegimeFinding(regime, kind, best, grounds)
        if best == "not_met":
            finding.alternatives = _alternatives(kind, claims, regime)
        findings.append(finding)
    return findings


def _alternatives(kind: str, claims: list[tuple[AttributionView, Incident]],
                  missing: Regime) -> list[str]:
    """Where a regime does not reach the conduct, which other regimes' words could."""
    out = []
    for regime in regimes().values():
        if regime.key == missing.key or regime.who(kind) is None:
            continue
        for att, incident in claims:
            mode = regime.accepts(att.mode)
            hits = [v for v in incident.violations if regime.covers(v) is not None]
            if mode is None or not hits:
                continue
            cells = [mode, *[c for v in hits if (c := regime.covers(v))]]
            how = "directly" if all(c.level == "yes" for c in cells) else \
                "subject to conditions" if all(c.level != "interpretation" for c in cells) \
                else "by interpretation"
            mode_label = vocab.label("modes_of_responsibility", att.mode)
            out.append(f"{regime.short} could apply {how} "
                       f"({', '.join(hits)} as '{mode_label}')")
            break
    return out
