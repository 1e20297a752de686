"""Sensitivity levels, audiences, and the one rule for what an audience may see.

A record is visible to an audience when its sensitivity (or the case default) is at or
below the audience's level **and** every record it cannot exist without is visible too:
a tenure needs its person and its post, a relation both its ends, an evidence item its
source, an attribution its actor and its incident. :func:`visible_ids` applies the rule
to a whole case once; every output asks the resulting set (through
:class:`evidence_maps.view.CaseView`), never the sensitivity of a single record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from entities.case.case import Case

LEVELS = {"public": 0, "restricted": 1, "confidential": 2}

#: Audiences of outputs and the highest sensitivity each may see.
AUDIENCES = {"public": "public", "parliament": "restricted", "government": "confidential"}


def visible(sensitivity: str, audience: str | None) -> bool:
    """Whether material of ``sensitivity`` may go to ``audience`` (``None`` = internal, all)."""
    if audience is None:
        return True
    return LEVELS[sensitivity] <= LEVELS[AUDIENCES[audience]]


def visible_ids(case: Case, audience: str | None) -> frozenset[str]:
    """Ids of the records of ``case`` that ``audience`` may see (``None``: every record)."""
    from entities.case.model import Attribution, Evidence, Relation, Tenure

    own = {r.id for r in case.records() if visible(case.sensitivity(r), audience)}
    shown = set()
    for record in case.records():
        if record.id not in own:
            continue
        needs: tuple[str, ...] = ()
        if isinstance(record, Tenure):
            needs = (record.person, record.position)
        elif isinstance(record, Relation):
            needs = (record.subject, record.organisation)
        elif isinstance(record, Evidence):
            needs = (record.source,)
        elif isinstance(record, Attribution):
            needs = (record.actor, record.incident)
        if all(n in own for n in needs):
            shown.add(record.id)
    return frozenset(shown)
