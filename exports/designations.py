"""Existing designations of our targets, as FtM ``Sanction`` entities for the
OpenSanctions-compatible dataset.

Only matches a reviewer confirmed (``dossier screen CASE --confirm TARGET=LISTED_ID``)
become ``Sanction`` entities: an automated match may be a namesake, and a dataset that
says someone is sanctioned must not guess. Each keeps the list's authority, program,
country and listing date, and says in ``summary`` which list and entry it came from.
"""

from __future__ import annotations

from followthemoney import StatementEntity

from entities.case.case import Case
from entities.ftm.compile import case_dataset
from entities.ftm.ids import make_id
from evidence_maps.analysis import CaseAnalysis
from evidence_maps.designations import DesignationReport


def designation_entities(case: Case, analysis: CaseAnalysis,
                         screening: DesignationReport | None) -> list[StatementEntity]:
    """One ``Sanction`` per designation of a confirmed match of a visible target."""
    if screening is None:
        return []
    dataset = case_dataset(case)
    out = []
    for target in analysis.targets:
        outcome = screening.targets.get(target.id)
        if outcome is None:
            continue
        target_id = make_id(case.meta.id_prefix, "person" if target.kind == "person"
                            else "organisation", target.id)
        for match, confirmed in outcome.matches:
            if not confirmed:
                continue
            for designation in match.sanctions:
                sanction = StatementEntity(dataset, {"schema": "Sanction", "id": make_id(
                    case.meta.id_prefix, "designation", target.id, match.id,
                    designation.id or designation.program)})
                origin = f"screening: {match.source_list}"
                sanction.add("entity", target_id, origin=origin)
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
