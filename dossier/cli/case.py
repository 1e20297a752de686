"""Commands on the case folder itself: ``init``, ``validate``, ``show``, ``check``,
``review``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dossier.cli.group import CASE_DIR, audience_option, cli, user_option


@cli.command()
@click.argument("directory", type=CASE_DIR)
def init(directory: Path) -> None:
    """Create a new case folder with a commented, fictional example to edit.

    \b
    Example:
      dossier init cases/exampleland
    """
    from dossier.scaffold import init_case

    written = init_case(directory)
    click.echo(f"Created {directory} ({len(written)} files). Edit the files under "
               f"{directory / 'data'}, then run: dossier validate {directory}")


@cli.command()
@click.argument("directory", type=CASE_DIR)
def validate(directory: Path) -> None:
    """Check a case and list every mistake as file:line: field: message.

    Exits 0 with a one-line summary when the case is valid, 1 otherwise.
    Writes nothing.

    \b
    Example:
      dossier validate examples/kazakhstan-2020-2021
    """
    from entities.db.changes import open_case

    case = open_case(directory)
    counts = ", ".join(f"{n} {k}" for k, n in case.count().items())
    click.echo(f"{directory}: valid ({counts})")


@cli.command()
@click.argument("directory", type=CASE_DIR)
def show(directory: Path) -> None:
    """Show the case's targets, incidents, evidence and attributions as tables.

    For the case team: it shows every record, whatever its sensitivity.

    \b
    Example:
      dossier show examples/kazakhstan-2020-2021
    """
    from rich.console import Console

    from dossier.show import show_case
    from entities.db.changes import open_case

    show_case(open_case(directory), Console())


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--json", "as_json", is_flag=True,
              help='Print JSON: [{"level", "code", "record", "message"}, ...].')
@audience_option("Only findings about records this audience may see; use government to "
                 "see every finding.")
def check(directory: Path, as_json: bool, audience: str) -> None:
    """Check a case for what weakens a submission, each with the record it concerns.

    Attributions without evidence (error); facts on a single source; inferences whose
    tenure does not cover the incident date; incidents with no actor; targets missing
    identifiers; contrary evidence; drafts (warnings). Exit 1 on errors, 0 otherwise.

    \b
    Examples:
      dossier check examples/kazakhstan-2020-2021
      dossier check my-case --audience government --json
    """
    from entities.db.changes import open_case
    from evidence_maps.view import CaseView

    findings = CaseView.build(open_case(directory), audience).checks
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=1))
    else:
        for finding in findings:
            click.echo(str(finding))
        levels = [f.level for f in findings]
        click.echo(f"{levels.count('error')} errors, {levels.count('warning')} warnings, "
                   f"{levels.count('info')} notes")
    if any(f.level == "error" for f in findings):
        raise SystemExit(1)


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--approve", multiple=True, metavar="ID",
              help="Mark this draft attribution reviewed (repeat for several).")
@user_option("--by", "Who reviewed it (recorded in the case file and the audit log).")
def review(directory: Path, approve: tuple[str, ...], user: str) -> None:
    """List draft attributions, or mark some reviewed (recorded with who and when).

    Drafts are held back from public and parliament outputs. Reviewing edits only the
    attribution's lines in its YAML file (status, reviewed_by, reviewed_on).

    \b
    Examples:
      dossier review my-case
      dossier review my-case --approve att-3 --by "A. Analyst"
    """
    import datetime as dt

    from entities.db.changes import open_case
    from entities.intake.edit import mark_reviewed
    from evidence_maps.review import drafts

    if approve:
        today = dt.date.today().isoformat()
        for attribution in approve:
            record = mark_reviewed(directory, attribution, user, today)
            click.echo(f"reviewed {record.id} ({record.origin('status')}) by {user} on {today}")
        return
    found = drafts(open_case(directory))
    for draft in found:
        for line in draft.lines():
            click.echo(line)
    click.echo(f"{len(found)} draft attributions")
