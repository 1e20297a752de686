"""Our targets are *proposed*, not sanctioned: carried as FtM ``Risk`` entities.

A ``Risk`` (stock FtM) per target and regime whose criteria are met (or met by
interpretation): ``entity`` → the target, ``programId`` = the regime's program (e.g.
``GB-HR``), ``country`` = its jurisdiction, ``status`` = ``proposed`` or ``proposed (by
interpretation)``, ``authority`` = the submitting organisation, ``reason`` = the summary
of grounds. Never the ``sanction`` topic, never a ``Sanction`` entity: those are for real
designations found by screening and confirmed (``exports.designations``).
"""

from __future__ import annotations

from followthemoney import StatementEntity

from entities.case.case import Case
from entities.ftm.compile import case_dataset
from entities.ftm.ids import make_id
from evidence_maps.analysis import CaseAnalysis


def proposal_entities(case: Case, analysis: CaseAnalysis) -> list[StatementEntity]:
    """One ``Risk`` per target and regime the target's attributions engage."""
    dataset = case_dataset(case)
    out = []
    for target in analysis.targets:
        target_id = make_id(case.meta.id_prefix, "person" if target.kind == "person"
                            else "organisation", target.id)
        for finding in target.findings:
            if finding.outcome not in ("yes", "interpretation"):
                continue
            risk = StatementEntity(dataset, {"schema": "Risk", "id": make_id(
                case.meta.id_prefix, "proposal", target.id, finding.regime.key)})
            origin = f"evidence map: {target.id}"
            risk.add("entity", target_id, origin=origin)
            risk.add("programId", finding.regime.program, origin=origin)
            risk.add("program", finding.regime.name, origin=origin)
            risk.add("country", finding.regime.jurisdiction if finding.regime.jurisdiction
                     != "eu" else None, origin=origin)
            status = "proposed" if finding.outcome == "yes" else \
                "proposed (by interpretation)"
            risk.add("status", status, origin=origin)
            risk.add("authority", case.meta.organisation.name, origin=origin)
            reasons = sorted({g.reason for g in finding.grounds if g.outcome != "no"})
            risk.add("reason", "; ".join(reasons), origin=origin)
            if case.meta.date:
                risk.add("date", case.meta.date, origin=origin)
            out.append(risk)
    return out
