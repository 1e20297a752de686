"""The internal case report: what the case team must know and no output may say.

Check findings, the attributions held back from each audience and why, how much
evidence each audience's outputs leave out, and the independence groups — for the team
only (``dossier check CASE --report FILE``). It is never part of a build's output folder,
which goes to readers; the overview for the public and parliament carries none of it.
"""

from __future__ import annotations

from pathlib import Path

from entities.case.case import Case
from entities.case.levels import AUDIENCES
from entities.files import atomic_file
from evidence_maps.corroboration import group_reasons, source_groups
from evidence_maps.view import CaseView

BANNER = ("INTERNAL CASE REPORT — FOR THE CASE TEAM ONLY. It names drafts, held-back "
          "attributions and withheld material: never send it, never put it in an output "
          "folder.")


def report_text(case: Case) -> str:
    """The report, as Markdown."""
    lines = [f"# Internal case report: {case.meta.title}", "", f"**{BANNER}**", ""]
    team = CaseView.build(case, "government", include_drafts=True)
    lines += ["## Checks", ""]
    lines += [f"- {f.level}: `{f.code}` {f.record}: {f.message}" for f in team.checks] or \
        ["- none"]
    for audience in AUDIENCES:
        view = CaseView.build(case, audience)
        lines += ["", f"## Held back from the {audience} outputs", ""]
        lines += [f"- {h.attribution}: {h.reason}" for h in view.analysis.held_back] or \
            ["- nothing"]
        withheld = sum(1 for e in case.evidence if e.id not in view.shown)
        lines.append(f"- evidence items this audience may not see: {withheld}"
                     + (" (left out entirely)" if audience == "public" else
                        " (a placeholder where an attribution cites one)"))
    lines += ["", "## Independence groups (sources that count once)", ""]
    groups = group_reasons(case, source_groups(case))
    lines += [f"- {', '.join(members)}: {why}" for members, why in groups.values()] or \
        ["- none"]
    return "\n".join(lines) + "\n"


def write(case: Case, path: Path) -> None:
    """Write the report atomically."""
    with atomic_file(path) as fh:
        fh.write(report_text(case).encode("utf-8"))
