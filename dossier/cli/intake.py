"""Bringing material in: ``template`` (an empty authoring workbook) and ``import``
(spreadsheets and FollowTheMoney data)."""

from __future__ import annotations

from pathlib import Path

import click

from dossier.cli.group import CASE_DIR, cli, user_option


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def template(file: Path) -> None:
    """Write an empty authoring workbook (.xlsx) to fill in and import.

    It has an Instructions sheet and one sheet per kind of record, with a comment on
    every column, drop-down lists for controlled values and date-formatted columns.

    \b
    Example:
      dossier template my-case.xlsx
    """
    from exports.authoring import write_authoring_workbook

    write_authoring_workbook(file)
    click.echo(f"wrote {file}; fill it in, then run: dossier import CASE {file}")


@cli.command("import")
@click.argument("directory", type=CASE_DIR)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", help="For a CSV file: which sheet it holds (people, evidence, …); "
              "default: taken from the file name.")
@click.option("--dry-run", is_flag=True, help="Check and report, but change nothing.")
@click.option("--source-id", metavar="ID",
              help="For a web capture: the id of the source record it becomes (default: "
                   "src- and the capture's file name).")
@user_option("--by", "Who enters the rows (recorded on each attribution added or changed, "
             "for four-eyes review, and in the audit log; for a web capture, who captured "
             "it).")
def import_(directory: Path, file: Path, kind: str | None, dry_run: bool,
            source_id: str | None, user: str) -> None:
    """Import a spreadsheet (.xlsx, .csv), FollowTheMoney data (.ftm.json) or a web
    capture (.wacz, .warc, .warc.gz) into a case.

    Spreadsheet rows become records in DIRECTORY/data/imported/; importing the same
    file again only applies what changed. FtM entities (e.g. from OpenSanctions or
    Aleph) go into the case database as candidates for identity resolution. Any
    problem and nothing changes.

    \b
    Examples:
      dossier import my-case my-case.xlsx
      dossier import my-case people.csv
      dossier import my-case us_ofac_sdn.ftm.json
      dossier import my-case ministry-statement.wacz --by "A. Analyst"

    A web capture is kept in sources/ and becomes a source record citing it, with the
    page's address and title and a collection record (captured when, with what, by
    --by); its reliability starts at F (cannot be judged): set it.
    """
    from entities.ftm.reader import is_ftm_file
    from entities.intake.captures import is_capture

    if is_capture(file):
        from entities.intake.captures import default_source_id, import_capture

        if dry_run:
            from entities.intake.captures import read_capture

            seen = read_capture(file)
            click.echo(f"would import {file.name}: {seen.url}, captured {seen.at}"
                       + (f" with {seen.software}" if seen.software else ""))
            return
        made = import_capture(directory, file, user, source_id or default_source_id(file))
        click.echo(f"imported {file.name}: source {made} (reliability F until you set it)")
        return

    if is_ftm_file(file):
        from dossier.progress import StepProgress
        from entities.intake.ftm_import import import_ftm

        with StepProgress() as progress:
            report = import_ftm(directory, file, progress)
        datasets = ", ".join(f"{n} in {d}" for d, n in report.datasets.items())
        click.echo(f"imported {file.name}: {report.entities} entities ({datasets}), "
                   f"{report.statements} statements")
        if report.dropped_count:
            click.echo(f"{report.dropped_count} values were not valid for their property "
                       "and were left out, e.g.:")
            for line in report.dropped:
                click.echo(f"  {line}")
        return
    from entities.intake.importer import import_table

    result = import_table(directory, file, kind, dry_run=dry_run, by=user)
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {file.name}: {result.summary} (records in {result.target})")
    if result.ignored_sheets:
        click.echo(f"ignored sheets: {', '.join(result.ignored_sheets)}")
