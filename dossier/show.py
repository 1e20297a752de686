"""``dossier show``: the case at a glance, as terminal tables."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console
from rich.table import Table

from entities.case import vocab
from entities.case.case import Case
from entities.case.model import Actor, Source
from evidence_maps.corroboration import corroboration, source_groups


def primary_name(actor: Actor) -> str:
    """The first name of type ``name`` (else the first name at all)."""
    for name in actor.names:
        if name.type == "name":
            return name.name
    return actor.names[0].name


def target_actors(case: Case) -> list[Actor]:
    """The people and organisations a dossier is made for: those with attributions, or
    marked ``target``, in the case's order."""
    attributed = {a.actor for a in case.attributions}
    return [a for a in [*case.people, *case.organisations]
            if a.id in attributed or a.target]


def targets_table(case: Case) -> Table:
    table = Table(title="Targets (actors with attributions, or marked as targets)")
    for column in ("id", "name", "kind", "incidents", "modes", "status"):
        table.add_column(column)
    by_actor = defaultdict(list)
    for att in case.attributions:
        by_actor[att.actor].append(att)
    for actor in target_actors(case):
        atts = by_actor.get(actor.id, [])
        kind = getattr(actor, "type", "person")
        modes = sorted({vocab.label("modes_of_responsibility", a.mode) for a in atts})
        statuses = sorted({a.status for a in atts})
        table.add_row(actor.id, primary_name(actor), kind, str(len({a.incident for a in atts})),
                      "; ".join(modes), ", ".join(statuses))
    return table


def incidents_table(case: Case) -> Table:
    table = Table(title="Incidents")
    for column in ("id", "date", "title", "violations", "actors", "victims", "evidence"):
        table.add_column(column)
    actors = defaultdict(set)
    for att in case.attributions:
        actors[att.incident].add(att.actor)
    for inc in case.incidents:
        date = inc.date or "undated"
        if inc.end_date:
            date = f"{date} – {inc.end_date}"
        table.add_row(inc.id, date, inc.title, ", ".join(inc.violations),
                      ", ".join(sorted(actors[inc.id])) or "none attributed",
                      str(len(inc.victims)), str(len(inc.evidence)))
    return table


def evidence_table(case: Case) -> Table:
    table = Table(title="Evidence")
    for column in ("id", "source", "locator", "type", "grade"):
        table.add_column(column)
    index = case.index
    for item in case.evidence:
        source = index[item.source]
        grade = f"{source.reliability}{item.credibility}" if isinstance(source, Source) else "?"
        table.add_row(item.id, item.source, item.locator, item.type, grade)
    return table


def attributions_table(case: Case) -> Table:
    table = Table(title="Attributions")
    for column in ("id", "actor", "incident", "mode", "status", "evidence", "corroboration"):
        table.add_column(column)
    groups = source_groups(case)
    for att in case.attributions:
        corr = corroboration(case, att.evidence, groups)
        table.add_row(att.id, att.actor, att.incident, att.mode, att.status,
                      ", ".join(att.evidence) or "—", corr.label)
    return table


def show_case(case: Case, console: Console) -> None:
    """Print the case's targets, incidents, evidence and attributions."""
    counts = ", ".join(f"{n} {k}" for k, n in case.count().items())
    console.print(f"[bold]{case.meta.title}[/bold] ({case.meta.id}): {counts}")
    for table in (targets_table(case), incidents_table(case), evidence_table(case),
                  attributions_table(case)):
        console.print(table)


__all__ = ["show_case"]
