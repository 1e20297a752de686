"""``dossier review``: the draft attributions waiting for a reviewer, with their grades.

Marking one reviewed edits its YAML record (:func:`entities.intake.edit.mark_reviewed`).
"""

from __future__ import annotations

from dataclasses import dataclass

from entities.case.case import Case
from evidence_maps.view import CaseView


@dataclass(frozen=True)
class Draft:
    """A draft attribution: who, what, how, how strongly, and where it is written."""

    id: str
    actor: str
    incident: str
    mode: str
    grade: str
    origin: str
    note: str | None

    def lines(self) -> list[str]:
        out = [f"{self.id}: {self.actor} → {self.incident} ({self.mode}), grade {self.grade}, "
               f"{self.origin}"]
        if self.note:
            out.append(f"    note: {self.note}")
        return out


def drafts(case: Case) -> list[Draft]:
    """Every attribution not yet reviewed, in the case's order, graded on all the case's
    evidence (``no evidence`` when it cites none)."""
    view = CaseView.build(case, "government", include_drafts=True)
    grades = {a.id: a.grade.level for a in view.analysis.attributions}
    return [Draft(att.id, att.actor, att.incident, att.mode,
                  grades.get(att.id, "no evidence"), att.origin("id"), att.note)
            for att in case.attributions if att.status == "draft"]
