"""The FtM entities the analysis adds to a case: proposed designations (``Risk``) and
existing designations confirmed by a reviewer (``Sanction``).

Our targets are *proposed*, not sanctioned: a ``Risk`` (stock FtM) per target and regime
whose criteria are met (or met by interpretation): ``entity`` → the target, ``programId``
= the regime's program (e.g. ``GB-HR``), ``country`` = its jurisdiction, ``status`` =
``proposed`` or ``proposed (by interpretation)``, ``authority`` = the submitting
organisation, ``reason`` = the summary of grounds. Never the ``sanction`` topic, never a
``Sanction`` entity for a proposal.

Existing designations found by screening become ``Sanction`` entities only for matches a
reviewer confirmed (``dossier screen CASE --confirm TARGET=LISTED_ID``): an automated
match may be a namesake, and a dataset that says someone is sanctioned must not guess.
Each keeps the list's authority, program, country and listing date, and says in
``summary`` which list and entry it came from.

Both refer to their target by :func:`entities.ftm.ids.record_id`, like every other
entity of the case; the case view then applies identity judgements to all of them at
once, so a target merged with another record is referred to by its canonical id.
"""

from __future__ import annotations

from followthemoney import StatementEntity, model

from entities.case.case import Case
from entities.ftm.compile import case_dataset
from entities.ftm.ids import make_id, record_id
from evidence_maps.analysis import TargetView
from evidence_maps.designations import DesignationReport
from evidence_maps.regimes import OUTCOMES

#: a regime outcome → the status of the proposal (``Risk``); other outcomes propose nothing
PROPOSAL_STATUS = {"met": "proposed", "conditional": "proposed (subject to conditions)",
                   "interpretation": "proposed (by interpretation)"}


def proposal_entities(case: Case, targets: list[TargetView]) -> list[StatementEntity]:
    """One ``Risk`` per target and regime the target's attributions engage. (The values
    every proposal of a regime shares — program, country, authority, date, status — are
    cleaned by FollowTheMoney once, not once per proposal: a large case has tens of
    thousands.)"""
    dataset = case_dataset(case)
    prefix = case.meta.id_prefix
    schema = model.get("Risk")
    assert schema is not None
    cleaned: dict[tuple[str, str], str | None] = {}

    def same(prop: str, value: str | None) -> str | None:
        """``value`` of ``prop`` as FollowTheMoney cleans it, cleaned once."""
        if value is None:
            return None
        key = (prop, value)
        if key not in cleaned:
            cleaned[key] = schema.properties[prop].type.clean(value)
        return cleaned[key]

    out = []
    for target in targets:
        reviewed = {a.id for a in target.attributions if a.status == "reviewed"}
        for finding in target.findings:
            # a draft is never proposed: the outcome of the reviewed grounds alone
            grounds = [g for g in finding.grounds if g.attribution in reviewed]
            outcome = min((g.outcome for g in grounds), key=OUTCOMES.index,
                          default="not_met")
            status = PROPOSAL_STATUS.get(outcome)
            if status is None:
                continue
            risk = StatementEntity(dataset, {"schema": "Risk", "id": make_id(
                prefix, "proposal", target.id, finding.regime.key)})
            origin = f"{case.meta.id}:proposal"
            risk.add("entity", record_id(prefix, target.kind, target.id), origin=origin)
            regime = finding.regime
            for prop, value in (("programId", regime.program), ("program", regime.name),
                                ("country", regime.jurisdiction if regime.jurisdiction
                                 != "eu" else None),
                                ("status", status),
                                ("authority", case.meta.organisation.name)):
                risk.add(prop, same(prop, value), cleaned=True, origin=origin)
            reasons = sorted({g.reason for g in grounds if g.outcome == outcome})
            risk.add("reason", "; ".join(reasons), origin=origin)
            if case.meta.date:
                risk.add("date", same("date", case.meta.date), cleaned=True, origin=origin)
            out.append(risk)
    return out


def designation_entities(case: Case, targets: list[TargetView],
                         screening: DesignationReport | None) -> list[StatementEntity]:
    """One ``Sanction`` per designation of a confirmed match of each of ``targets``."""
    if screening is None:
        return []
    dataset = case_dataset(case)
    prefix = case.meta.id_prefix
    out = []
    for target in targets:
        outcome = screening.targets.get(target.id)
        if outcome is None:
            continue
        for match, confirmed in outcome.matches:
            if not confirmed:
                continue
            for designation in match.sanctions:
                sanction = StatementEntity(dataset, {"schema": "Sanction", "id": make_id(
                    prefix, "designation", target.id, match.id,
                    designation.id or designation.program)})
                origin = f"{case.meta.id}:designation"
                sanction.add("entity", record_id(prefix, target.kind, target.id),
                             origin=origin)
                for prop, value in (("authority", designation.authority),
                                    ("program", designation.program),
                                    ("country", designation.country),
                                    ("startDate", designation.listing_date),
                                    ("endDate", designation.end_date)):
                    if value:
                        sanction.add(prop, value, origin=origin)
                sanction.add("summary", f"Listed as {match.name} ({match.id}) in "
                                        f"{match.source_list}; identity confirmed by a "
                                        f"reviewer of the case.", origin=origin)
                out.append(sanction)
    return out
