"""Inferred responsibility through posts held, and the gaps where it cannot be inferred.

When an organisation is attributed an incident and a person held a **leadership post**
in it (a position marked ``leadership: true``: head, deputy head, commander, board
member) on the incident's date (a tenure whose dates surely cover the incident), the
person is given an **inferred** ``leader_of_entity`` attribution citing the tenure's
evidence and the organisation's attribution. Any other post holder (a clerk, an officer)
gets no inferred attribution, and no covering tenure means no inference either: a gap is
reported instead, with the reason. A direct attribution of the same person and incident
is never replaced by an inference.
"""

from __future__ import annotations

from dataclasses import dataclass

from entities.case.case import Case
from entities.case.model import Incident, OrganisationRecord, Position, Tenure
from entities.i18n import Msg
from evidence_maps.dates import covers

INFERRED_MODE = "leader_of_entity"


@dataclass(frozen=True)
class Inferred:
    """An attribution derived from a post held, never written by hand."""

    id: str
    actor: str
    incident: str
    mode: str
    via_attribution: str
    via_tenure: str
    position: str
    evidence: tuple[str, ...]
    status: str

    @property
    def why(self) -> Msg:
        """How it was inferred, as a catalogue message."""
        return Msg.of("em.inferred_explanation", position=self.position,
                      tenure=self.via_tenure, attribution=self.via_attribution)

    @property
    def explanation(self) -> str:
        return str(self.why)


@dataclass(frozen=True)
class Gap:
    """A post holder for whom no inference could be made, and why."""

    attribution: str
    tenure: str
    person: str
    #: why, as a catalogue message
    why: Msg
    #: the check code: ``post_not_leadership`` or ``inference_outside_tenure``
    code: str = "inference_outside_tenure"

    @property
    def reason(self) -> str:
        return str(self.why)


def _position_title(position: Position) -> str:
    return position.title[0].name


def infer(case: Case) -> tuple[list[Inferred], list[Gap]]:
    """Inferred attributions and gaps for every organisation attribution."""
    index = case.index
    direct = {(a.actor, a.incident) for a in case.attributions}
    inferred: list[Inferred] = []
    gaps: list[Gap] = []
    for att in case.attributions:
        if not att.evidence or not isinstance(index.get(att.actor), OrganisationRecord):
            continue  # nothing is inferred from an attribution that cites no evidence
        incident = index[att.incident]
        assert isinstance(incident, Incident)
        for tenure in case.tenures_at.get(att.actor, []):
            position = index[tenure.position]
            assert isinstance(position, Position)
            if not position.leadership:
                gaps.append(Gap(att.id, tenure.id, tenure.person,
                                Msg.of("em.gap_not_leadership",
                                       position=_position_title(position)),
                                "post_not_leadership"))
                continue
            reason = _why_not(tenure, incident, case.meta.date)
            if reason is not None:
                gaps.append(Gap(att.id, tenure.id, tenure.person, reason))
                continue
            if (tenure.person, att.incident) in direct:
                continue  # a direct attribution exists; it is the one to show
            inferred.append(Inferred(
                id=f"inferred:{att.id}:{tenure.id}", actor=tenure.person,
                incident=att.incident, mode=INFERRED_MODE, via_attribution=att.id,
                via_tenure=tenure.id, position=_position_title(position),
                evidence=tuple(dict.fromkeys([*tenure.evidence, *att.evidence])),
                status=att.status))
    return inferred, gaps


def _why_not(tenure: Tenure, incident: Incident, case_date: str | None) -> Msg | None:
    if incident.date is None:
        return Msg.of("em.gap_undated_incident")
    if tenure.start is None:
        return Msg.of("em.gap_no_start")
    if covers(tenure.start, tenure.end, incident.date, incident.end_date, case_date):
        return None
    when = incident.date + (f" – {incident.end_date}" if incident.end_date else "")
    if tenure.end:
        return Msg.of("em.gap_not_covered", span=f"{tenure.start} – {tenure.end}", when=when)
    return Msg.of("em.gap_not_covered_open", start=tenure.start, when=when)
