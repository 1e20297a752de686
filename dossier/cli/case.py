"""Commands on the case folder itself: ``init``, ``validate``, ``show``, ``check``,
``review``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dossier.cli.group import CASE_DIR, audience_option, cli


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
@click.option("--json", "as_json", is_flag=True,
              help="Print {valid, counts} or {valid, problems: [{file, line, field, "
                   "message}]} as JSON.")
def validate(directory: Path, as_json: bool) -> None:
    """Check a case and list every mistake as file:line: field: message.

    Exits 0 with a one-line summary when the case is valid, 1 otherwise.
    Writes nothing.

    \b
    Examples:
      dossier validate examples/kazakhstan-2020-2021
      dossier validate my-case --json
    """
    from dataclasses import asdict

    from entities.db.changes import open_case
    from entities.exc import InvalidCase

    try:
        case = open_case(directory)
    except InvalidCase as exc:
        if not as_json:
            raise
        click.echo(json.dumps({"valid": False, "problems": [asdict(p) for p in exc.problems]},
                              ensure_ascii=False, indent=1))
        raise SystemExit(1) from None
    if as_json:
        click.echo(json.dumps({"valid": True, "counts": case.count()}, indent=1))
        return
    counts = ", ".join(f"{n} {k}" for k, n in case.count().items())
    click.echo(f"{directory}: valid ({counts})")


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--json", "as_json", is_flag=True,
              help="Print every record, section by section, as JSON.")
def show(directory: Path, as_json: bool) -> None:
    """Show the case's targets, incidents, evidence and attributions as tables.

    For the case team: it shows every record, whatever its sensitivity.

    \b
    Examples:
      dossier show examples/kazakhstan-2020-2021
      dossier show my-case --json
    """
    from entities.case.model import SECTIONS
    from entities.db.changes import open_case

    case = open_case(directory)
    if as_json:
        data = {"case": case.meta.model_dump(mode="json", exclude_none=True),
                **{name: [r.model_dump(mode="json", exclude_none=True)
                          for r in case.section(name)] for name in SECTIONS}}
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    from rich.console import Console

    from dossier.show import show_case

    show_case(case, Console())


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--json", "as_json", is_flag=True,
              help='Print JSON: [{"level", "code", "record", "message"}, ...].')
@audience_option("Only findings about records this audience may see; use government to "
                 "see every finding.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the internal case report (Markdown, for the team only): "
              "checks, what each audience's outputs hold back and why, withheld evidence, "
              "independence groups.")
def check(directory: Path, as_json: bool, audience: str, report: Path | None) -> None:
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
    from entities.exc import InvalidCase
    from evidence_maps.submissions import submission_problems
    from evidence_maps.view import CaseView

    case = open_case(directory)
    problems = submission_problems(case)
    if problems:
        raise InvalidCase(problems)
    findings = CaseView.build(case, audience).checks
    if report is not None:
        from dossier.outdir import check_report_place
        from exports.team_report import write

        check_report_place(report, directory)
        write(case, report)
        click.echo(f"wrote {report} (internal: for the case team only)", err=True)
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
@click.option("--reject", multiple=True, metavar="ID",
              help="Reject this attribution: it leaves every output (needs --reason).")
@click.option("--reopen", multiple=True, metavar="ID",
              help="Put a reviewed or rejected attribution back to draft (needs --reason).")
@click.option("--reason", help="Why you reject or reopen (recorded with your name).")
@click.option("--by", "user", envvar="DOSSIER_USER", show_envvar=True,
              help="Who decides (recorded in the case file and the audit log); required "
              "to approve, reject or reopen.")
def review(directory: Path, approve: tuple[str, ...], reject: tuple[str, ...],
           reopen: tuple[str, ...], reason: str | None, user: str | None) -> None:
    """List draft attributions, or approve, reject or reopen some (recorded with who,
    when and why).

    Drafts are held back from public and parliament outputs; rejected attributions from
    every output. A case with ``review: four_eyes`` in case.yml needs a reviewer other
    than whoever entered the attribution. Only the attribution's lines in its YAML file
    change (status, reviewed_by, reviewed_on, review_reason).

    \b
    Examples:
      dossier review my-case
      dossier review my-case --approve att-3 --by "A. Analyst"
      dossier review my-case --reject att-4 --reason "the witness withdrew" --by "A. Analyst"
      dossier review my-case --reopen att-3 --reason "new contrary evidence" --by "B. Lead"
    """
    import datetime as dt

    from entities.db.changes import open_case
    from entities.intake.edit import set_review
    from evidence_maps.review import drafts

    actions = [("approve", a) for a in approve] + [("reject", a) for a in reject] + \
        [("reopen", a) for a in reopen]
    if actions:
        if not (user or "").strip():
            raise click.UsageError("say who decides: --by \"Your Name\" (or set "
                                   "DOSSIER_USER); a review is never recorded anonymously")
        assert user is not None
        today = dt.date.today().isoformat()
        for action, attribution in actions:
            record = set_review(directory, attribution, action, user, today, reason)
            click.echo(f"{record.status} {record.id} ({record.origin('status')}) by {user} "
                       f"on {today}")
        return
    found = drafts(open_case(directory))
    for draft in found:
        for line in draft.lines():
            click.echo(line)
    click.echo(f"{len(found)} draft attributions")
