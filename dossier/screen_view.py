"""The terminal report of ``dossier screen``: matches per target and the designation gaps."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from dossier.screen import ScreenReport


def print_screen_report(report: ScreenReport, console: Console) -> None:
    for outcome in report.lists:
        run = outcome.run
        index = ""
        if run.mode == "local":
            index = (f"index built in {outcome.index_seconds:.1f} s" if outcome.index_built
                     else "index reused from the cache")
            index = f"; {run.entries:,} entries; {index}"
        per = outcome.seconds / max(len(run.targets), 1) * 1000
        console.print(f"Screened {len(run.targets)} targets against {run.list_name}{index}; "
                      f"{outcome.seconds:.1f} s ({per:.0f} ms per target).", highlight=False)
    for target in report.skipped:
        console.print(f"Not sent to yente (confidential): {target.id}", highlight=False)
    table = Table(title=f"Matches at or above {report.threshold:.2f} (automated: confirm "
                        "before citing)")
    for column in ("target", "listed entry", "score", "agreed", "conflicts", "designations"):
        table.add_column(column)
    for target in report.targets:
        matches = report.matches(target.id)
        if not matches:
            table.add_row(f"{target.name}\n[dim]{target.id}[/dim]", "no match", "", "", "", "")
        for number, match in enumerate(matches):
            label = f"{target.name}\n[dim]{target.id}[/dim]" if number == 0 else ""
            designations = "\n".join(
                f"{d.country or '?'}: {d.program or d.authority or 'listed'}"
                + (f" ({d.listing_date})" if d.listing_date else "") for d in match.sanctions)
            table.add_row(label, f"{match.name}\n[dim]{match.id}[/dim]", f"{match.score:.2f}",
                          "\n".join(match.agreed), "\n".join(match.conflicts), designations)
    console.print(table)
    gaps = report.gaps
    if gaps is None:
        return
    table = Table(title="Designation gaps")
    table.add_column("target")
    codes = [c for c in gaps.jurisdictions]
    for code in codes:
        table.add_column(code.upper())
    marks = {"designated": "[green]designated[/green]", "not_found": "[red]not listed[/red]",
             "not_screened": "[dim]not screened[/dim]"}
    for target in report.targets:
        found = gaps.targets.get(target.id)
        if found is None:
            continue
        cells = {j.code: (marks[j.status] + (f"\n{', '.join(j.programs)}" if j.programs
                                             else "")) for j in found.jurisdictions}
        table.add_row(target.name, *[cells.get(code, "") for code in codes])
    console.print(table)
    if report.stored:
        console.print("Stored in the case; run dossier build to put them in the dossiers.",
                      highlight=False)
