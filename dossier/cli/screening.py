"""``screen``: screening against sanctions lists, and reviewers' decisions on matches."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dossier.cli.group import audience_option, cli, user_option

DEFAULT_THRESHOLD = 0.70  # as entities.screening.model.DEFAULT_THRESHOLD (tested)


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--against", "against", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="A sanctions list as FtM JSON lines (OpenSanctions format); repeatable.")
@click.option("--yente", metavar="URL", help="Also ask a running yente server's /match API.")
@click.option("--yente-dataset", default="sanctions", show_default=True,
              help="The yente dataset (collection) to match against; 'sanctions' holds "
                   "the designations the gap analysis is about.")
@click.option("--send-confidential", is_flag=True,
              help="Let --yente send targets marked confidential (they are held back "
                   "otherwise).")
@click.option("--threshold", type=float, default=DEFAULT_THRESHOLD, show_default=True,
              help="Report matches scoring at or above this (nomenklatura logic-v2, 0-1).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@audience_option("Print only the targets of this audience's outputs (all are screened "
                 "and stored).")
@click.option("--confirm", multiple=True, metavar="TARGET=LISTED_ID",
              help="Record that a stored match is the target (a reviewer's decision).")
@click.option("--reject", multiple=True, metavar="TARGET=LISTED_ID",
              help="Record that a stored match is not the target; it leaves the dossier.")
@user_option("--user", "Who decides (for --confirm/--reject).")
def screen(source: Path, against: tuple[Path, ...], yente: str | None, yente_dataset: str,
           send_confidential: bool, threshold: float, as_json: bool, audience: str,
           confirm: tuple[str, ...], reject: tuple[str, ...], user: str) -> None:
    """Screen a case's targets (or an FtM file of entities) against sanctions lists.

    For each target: list entries scoring at or above the threshold (default 0.70, as in
    yente), with the features that agreed and the designations (authority, program,
    country, listing date) of each. Each list is indexed once and cached by its SHA-256
    (DOSSIER_CACHE_DIR, default ~/.cache/sanctions-dossier), so screening it again
    rebuilds nothing. For a case, the results are stored in the case database and the
    designation gaps (US, UK, EU, Canada, Australia, and any other jurisdiction in the
    lists) are printed; "dossier build" puts them in the dossiers and the workbook.
    Matches are automated candidates: confirm or reject them with --confirm/--reject.

    \b
    Examples:
      dossier screen my-case --against us_ofac_sdn.ftm.json
      dossier screen my-case --against us_ofac_sdn.ftm.json --against gb_hmt.ftm.json --json
      dossier screen people.ftm.json --against us_ofac_sdn.ftm.json
      dossier screen my-case --yente http://localhost:8000 --yente-dataset default
      dossier screen my-case --confirm person-1=ofac-23343
    """
    from dossier.progress import StepProgress
    from dossier.screen import decide
    from dossier.screen import screen as run_screen

    if confirm or reject:
        if not source.is_dir():
            raise click.UsageError("--confirm and --reject need a case folder")
        for decision, pairs in (("confirmed", confirm), ("rejected", reject)):
            for target, match_id in decide(source, list(pairs), decision, user):
                click.echo(f"{decision}: {target} = {match_id}")
        if not against and not yente:
            return
    if not against and not yente:
        raise click.UsageError("give a list with --against FILE (or a server with --yente URL)")
    with StepProgress() as progress:
        report = run_screen(source, list(against), threshold, yente, yente_dataset,
                            send_confidential, progress, audience=audience)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return
    from rich.console import Console

    from dossier.screen_view import print_screen_report

    print_screen_report(report, Console())
