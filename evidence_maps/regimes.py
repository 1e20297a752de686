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

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from entities.case.case import Case
from entities.case.model import Attribution, Incident, OrganisationRecord, Person, Position
from entities.i18n import Joined, Msg
from evidence_maps.grading import GRADES
from evidence_maps.regime_data import Cell, Regime, regimes

P = ParamSpec("P")
T = TypeVar("T")

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
        for tenure in self.case.tenures_of.get(actor_id, []):
            if tenure.id not in self.shown:
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

    def identification_gaps(self, actor_id: str) -> list[Msg]:
        """What a sanctions list would need to identify the target, and the case lacks."""
        record = self.case.index[actor_id]
        gaps = []
        if getattr(record, "unidentified", False):
            gaps.append(_m("gap_identity"))
        if isinstance(record, Person):
            name = next((n.name for n in record.names if n.type == "name"),
                        record.names[0].name)
            if len(name.split()) < 2:
                gaps.append(_m("gap_full_name"))
            dated_post = any(t.start and t.id in self.shown
                             for t in self.case.tenures_of.get(actor_id, []))
            if not (record.birth_date or record.nationality or dated_post):
                gaps.append(_m("gap_birth"))
        elif isinstance(record, OrganisationRecord) and not record.country:
            gaps.append(_m("gap_org_country"))
        return gaps


@dataclass(frozen=True)
class Ground:
    """One attributed incident and one of its violations, as seen from one regime. Its
    reason and further work are messages (:mod:`entities.i18n`), rendered in each
    output's language; ``reason`` and ``missing`` give them in English."""

    attribution: str
    incident: str
    violation: str
    mode: str
    outcome: str
    why: Joined
    #: the provisions relied on (violation's, mode's)
    provisions: tuple[str, ...] = ()
    #: open conditions and further work needed before the criteria are met
    needs: tuple[Msg, ...] = ()

    @property
    def reason(self) -> str:
        return str(self.why)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(str(m) for m in self.needs)


@dataclass
class RegimeFinding:
    """Whether a target meets a regime's criteria, why, and what is missing."""

    regime: Regime
    kind: str
    outcome: str
    grounds: list[Ground] = field(default_factory=list)
    #: where this regime does not reach the conduct, which others could (messages)
    routes: list[Msg] = field(default_factory=list)

    @property
    def best(self) -> Ground | None:
        return max(self.grounds, key=lambda g: (_RANK[g.outcome], -len(g.needs)),
                   default=None)

    @property
    def needs(self) -> tuple[Msg, ...]:
        """What the best ground still needs (nothing when the criteria are met)."""
        best = self.best
        return best.needs if best is not None and self.outcome != "not_met" else ()

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(str(m) for m in self.needs)

    @property
    def alternatives(self) -> list[str]:
        return [str(m) for m in self.routes]

    def measure_msgs(self) -> list[Msg]:
        """The measures to recommend, as messages: only where the criteria are met, and
        only those the regime applies to this kind of target."""
        if self.outcome != "met":
            return []
        return [Msg.of(f"measure.{slug(m)}") for m in self.regime.measures(self.kind)]

    @property
    def measures(self) -> list[str]:
        return [str(m) for m in self.measure_msgs()]

    @property
    def summary(self) -> str:
        label = {"met": "criteria met", "conditional": "met subject to conditions",
                 "interpretation": "by interpretation", "not_met": "not met",
                 "not_applicable": "not applicable"}[self.outcome]
        return f"{self.regime.short}: {label}"


def slug(text: str) -> str:
    """The catalogue key of a measure (its English words, lower case, ``_`` between)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _m(key: str, **values: object) -> Msg:
    return Msg.of(f"em.{key}", **values)


def _condition(cell: Cell, regime: Regime, facts: Facts, target: str, mode: str,
               incident: Incident, principal: str | None) -> tuple[str, Msg]:
    """(``holds`` / ``open`` / ``fails``, what it says) for a conditional cell."""
    key = cell.condition
    if key in ("official", "official_or_agent", "official_or_associate"):
        official = facts.official(target)
        if official or (key == "official_or_agent" and mode == "agent_of"):
            return HOLDS, _m("official_holds")
        if official is False and key == "official":
            return FAILS, _m("official_fails")
        return OPEN, _m("official_open", wanted=_m(f"want_{key}"))
    if key == "family_of_official":
        if principal is None:
            return OPEN, _m("family_name_principal")
        official = facts.official(principal)
        if official:
            return HOLDS, _m("family_holds")
        if official is False:
            return FAILS, _m("family_fails")
        return OPEN, _m("family_open")
    if key == "defender_victims":
        statuses = {s for v in incident.victims
                    if isinstance(p := facts.case.index.get(v), Person) for s in p.statuses}
        if statuses & DEFENDERS:
            return HOLDS, _m("defender_holds")
        if not incident.victims:
            return OPEN, _m("defender_no_victim")
        return OPEN, _m("defender_open")
    if key == "pattern":
        if incident.pattern and any(e in facts.shown for e in incident.pattern_evidence):
            return HOLDS, _m("pattern_holds", pattern=_m(f"pattern_{incident.pattern}"))
        if incident.pattern:
            return OPEN, _m("pattern_withheld")
        return OPEN, _m("pattern_open")
    assert key == "principal_listed"
    where = regime.jurisdiction.upper()
    if principal is None:
        return OPEN, _m("principal_name", where=where)
    listed = facts.listed(principal, regime.jurisdiction)
    if listed:
        return HOLDS, _m("principal_holds", where=where)
    if listed is False:
        return FAILS, _m("principal_fails", where=where)
    return OPEN, _m("principal_open", where=where)


def evidence_gaps(facts: Facts, att: AttributionView) -> list[Msg]:
    """Further work before an attribution can carry "criteria met"."""
    gaps = []
    if att.status != "reviewed":
        gaps.append(_m("gap_review"))
    minimum = facts.minimum_grade
    if GRADES.index(att.grade.level) < GRADES.index(minimum):
        what = "gap_second_source" if att.grade.single_source and \
            att.grade.level != "insufficient" else "gap_stronger"
        gaps.append(_m("gap_grade", what=_m(what), grade=_m(f"grade_{att.grade.level}"),
                       minimum=_m(f"grade_{minimum}")))
    return gaps


@dataclass(frozen=True)
class _Side:
    """What one side of a ground (the violation's or the mode's cell) adds to it."""

    group: str
    cell: Cell
    #: the regime's note on the cell, then what its level says (interpretation)
    notes: tuple[Msg, ...]


@dataclass(frozen=True)
class _Static:
    """What a ground of a regime, violation and mode says whatever the target and the
    incident: worked out once per combination (a large case has the same few hundred
    combinations in hundreds of thousands of grounds)."""

    #: the ground's reason when the regime does not reach the violation or the mode
    unreached: Joined | None = None
    provisions: tuple[str, ...] = ()
    first: Msg | None = None
    sides: tuple[_Side, ...] = ()
    #: that a criterion relied on was not read in the instrument's own text
    unread: Msg | None = None


def _once_per_regime(make: Callable[Concatenate[Regime, P], T]
                     ) -> Callable[Concatenate[Regime, P], T]:
    """``make(regime, *rest)`` worked out once per regime *object* and ``rest`` (the
    object is kept with what was made for it, so that its id is never another's: a
    regimes file read anew is worked out anew)."""
    kept: dict[tuple[object, ...], tuple[Regime, T]] = {}

    @functools.wraps(make)
    def once(regime: Regime, /, *rest: P.args, **named: P.kwargs) -> T:
        key = (id(regime), *rest, *sorted(named.items()))
        found = kept.get(key)
        if found is not None and found[0] is regime:
            return found[1]
        made = make(regime, *rest, **named)
        kept[key] = (regime, made)
        return made

    return once


@_once_per_regime
def _static(regime: Regime, violation: str, mode: str) -> _Static:
    """The :class:`_Static` of a regime, a violation and a mode."""
    v_label = Msg.of(f"vocab.violation_types.{violation}")
    m_label = Msg.of(f"vocab.modes_of_responsibility.{mode}")
    v_cell, m_cell = regime.covers(violation), regime.accepts(mode)
    if v_cell is None:
        made = _Static(Joined((_m("not_reached", regime=regime.short, violation=v_label),)))
    elif m_cell is None:
        made = _Static(Joined((_m("mode_not_listed", regime=regime.short, mode=m_label),)))
    else:
        v_crit, m_crit = regime.criteria[v_cell.cite], regime.criteria[m_cell.cite]
        sides = []
        for group, cell_key, cell in (("violations", violation, v_cell),
                                      ("modes", mode, m_cell)):
            notes = [Msg.of(f"regime.{regime.key}.{group}.{cell_key}")] if cell.note else []
            if cell.level == "interpretation":
                notes.append(_m("violation_interpretation" if group == "violations"
                                else "mode_interpretation"))
            sides.append(_Side(group, cell, tuple(notes)))
        unread = [c.provision for c in (v_crit, m_crit) if not c.verified]
        made = _Static(
            provisions=tuple(dict.fromkeys([v_crit.provision, m_crit.provision])),
            first=_m("cell", violation=v_label, v_provision=v_crit.provision, mode=m_label,
                     m_provision=m_crit.provision),
            sides=tuple(sides),
            unread=_m("unread", provisions=", ".join(dict.fromkeys(unread))) if unread
            else None)
    return made


def _ground(regime: Regime, facts: Facts, target: str, att: AttributionView,
            incident: Incident, violation: str, later: tuple[Msg, ...]) -> Ground:
    """One ground; ``later``: the further work that depends on the attribution and the
    target alone (:func:`evidence_gaps`, :meth:`Facts.identification_gaps`), the same for
    every regime and violation."""
    static = _static(regime, violation, att.mode)
    base = (att.id, att.incident, violation, att.mode)
    if static.unreached is not None:
        return Ground(*base, "not_met", static.unreached)
    assert static.first is not None
    notes: list[Msg] = [static.first]
    outcome, missing = "met", []
    for side in static.sides:
        notes += side.notes
        if side.cell.level == "interpretation":
            outcome = _worse(outcome, "interpretation")
        elif side.cell.level == "conditional":
            record = facts.case.index.get(att.id)
            principal = record.principal if isinstance(record, Attribution) else None
            state, said = _condition(side.cell, regime, facts, target, att.mode, incident,
                                     principal)
            if state == FAILS:
                return Ground(*base, "not_met", Joined((*notes, said)), static.provisions)
            if state == HOLDS:
                notes.append(_m("condition_met", text=said))
            elif side.cell.condition == "pattern":
                outcome = _worse(outcome, "interpretation")
                notes.append(said)
            else:
                outcome = _worse(outcome, "conditional")
                missing.append(said)
    if static.unread is not None:
        outcome = _worse(outcome, "interpretation")
        notes.append(static.unread)
    missing += later
    if outcome == "met" and missing:
        outcome = "conditional"
    return Ground(*base, outcome, Joined(tuple(notes)), static.provisions, tuple(missing))


def assess(facts: Facts, target: str, kind: str, attributions: Iterable[AttributionView]
           ) -> list[RegimeFinding]:
    """Findings of every regime for one target and the attributions its audience sees."""
    claims = []
    for att in attributions:
        incident = facts.case.index[att.incident]
        assert isinstance(incident, Incident)
        claims.append((att, incident))
    identification = tuple(facts.identification_gaps(target))
    later = {att.id: (*evidence_gaps(facts, att), *identification) for att, _ in claims}
    findings = []
    for regime in regimes().values():
        if regime.who(kind) is None:
            who = Joined(tuple(Msg.of(f"regime.{regime.key}.targets.{k}")
                               for k in regime.targets), ", ")
            findings.append(RegimeFinding(regime, kind, "not_applicable", routes=[
                _m("designates_only", regime=regime.short, who=who)]))
            continue
        grounds = [_ground(regime, facts, target, att, incident, violation, later[att.id])
                   for att, incident in claims for violation in incident.violations]
        best = max((g.outcome for g in grounds), key=_RANK.__getitem__, default="not_met")
        finding = RegimeFinding(regime, kind, best, grounds)
        if best == "not_met":
            finding.routes = _alternatives(kind, claims, regime)
        findings.append(finding)
    return findings


def _alternatives(kind: str, claims: list[tuple[AttributionView, Incident]],
                  missing: Regime) -> list[Msg]:
    """Where a regime does not reach the conduct, which other regimes' words could (one
    line per regime, naming the violations by their labels)."""
    out = []
    for regime in regimes().values():
        if regime.key == missing.key or regime.who(kind) is None:
            continue
        for att, incident in claims:
            said = _could_apply(regime, att.mode, tuple(incident.violations))
            if said is not None:
                out.append(said)
                break
    return out


@_once_per_regime
def _could_apply(regime: Regime, mode: str, violations: tuple[str, ...]) -> Msg | None:
    """How ``regime`` could reach an incident's ``violations`` by ``mode`` (``None``: it
    reaches neither the mode nor any of them); worked out once per combination."""
    said = None
    mode_cell = regime.accepts(mode)
    hits = [v for v in violations if regime.covers(v) is not None]
    if mode_cell is not None and hits:
        cells = [mode_cell, *[c for v in hits if (c := regime.covers(v))]]
        how = "how_directly" if all(c.level == "yes" for c in cells) else \
            "how_conditions" if all(c.level != "interpretation" for c in cells) \
            else "how_interpretation"
        labels = Joined(tuple(Msg.of(f"vocab.violation_types.{v}") for v in hits), ", ")
        said = _m("could_apply", regime=regime.short, how=_m(how), violations=labels,
                  mode=Msg.of(f"vocab.modes_of_responsibility.{mode}"))
    return said
