"""Identity resolution: ``xref`` (any FtM file), ``dedupe`` (the case) and
``judgements`` (share them as a plain file)."""

from __future__ import annotations

from pathlib import Path

import click

from dossier.cli.group import CASE_DIR, cli, reading, user_option, writing

BLOCKERS = {"auto": None, "both": True, "skeleton": False}
BLOCKER_HELP = ("Candidates from nomenklatura's index and our transliteration skeletons "
                "(both), skeletons only, or auto (both up to 20,000 entities).")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True,
                                        path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {pairs, clusters}.")
@click.option("--all", "include_distinct", is_flag=True,
              help="With --json, list candidate pairs decided distinct too.")
@click.option("--blocker", type=click.Choice(list(BLOCKERS)), default="auto",
              show_default=True, help=BLOCKER_HELP)
def xref(file: Path, as_json: bool, include_distinct: bool, blocker: str) -> None:
    """Find duplicate people and organisations in any FollowTheMoney file.

    Each candidate pair is decided merge (strong agreement), review (plausible, for a
    person to judge) or distinct. Nothing is stored. FILE - reads standard input.

    \b
    Examples:
      dossier xref partner-data.ftm.json --json
      ftm validate < partner.ftm.json | dossier xref - --json
    """
    from rich.console import Console

    from dossier.dedupe import pairs_table, read_ftm_file, result_json
    from entities.resolution.orgnames import alias_table
    from entities.resolution.xref import LogicV2Scorer
    from entities.resolution.xref import xref as run_xref

    console = Console(stderr=True)
    with console.status("reading entities…"), reading(file) as path:
        entities = read_ftm_file(path)
    with console.status(f"resolving {len(entities)} entities…"):
        result = run_xref(entities, aliases=alias_table(), scorer=LogicV2Scorer(),
                          use_index=BLOCKERS[blocker], keep_distinct=include_distinct)
    if as_json:
        click.echo(result_json(result, include_distinct))
    else:
        Console().print(pairs_table(result, {str(e.id): e for e in entities}))


CHOICES = {"s": "same", "d": "different", "u": "unsure", "k": "skip", "q": "quit"}


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {pairs, clusters}.")
@click.option("--review", is_flag=True, help="Judge each review pair in the terminal.")
@user_option("--user", "Name recorded with your judgements.")
@click.option("--blocker", type=click.Choice(list(BLOCKERS)), default="auto",
              show_default=True, help="As for dossier xref.")
def dedupe(directory: Path, as_json: bool, review: bool, user: str, blocker: str) -> None:
    """Find duplicates among the case's people and organisations and imported data.

    Automatic merges (shared identifier, or full name plus birth date, never on a name
    alone) are recorded as judgements by "dossier:auto" and used by every build;
    plausible pairs are listed for review. With --review, each pair is shown side by
    side and you answer same / different / unsure / skip / quit.

    \b
    Examples:
      dossier dedupe my-case
      dossier dedupe my-case --review --user aigerim
    """
    from rich.console import Console

    from dossier.dedupe import dedupe_case, pairs_table, result_json, review_pairs, summary

    console = Console(stderr=True)
    with console.status("resolving identities…"):
        found = dedupe_case(directory, BLOCKERS[blocker])
    if as_json:
        click.echo(result_json(found.result))
    elif not review:
        Console().print(pairs_table(found.result, found.entities, labels=found.labels))
    click.echo(summary(found), err=True)
    if review:
        out = Console()

        def ask(pair: object, table: object) -> str:
            out.print(table)
            key = click.prompt("[s]ame, [d]ifferent, [u]nsure, s[k]ip, [q]uit",
                               type=click.Choice(list(CHOICES)), show_choices=False)
            return CHOICES[key]

        counts = review_pairs(directory, found, ask, user)
        click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--export", "export_to", type=click.Path(dir_okay=False, allow_dash=True,
                                                       path_type=Path),
              help="Write every judgement to this file (JSON lines; - for standard "
                   "output).")
@click.option("--import", "import_from", type=click.Path(exists=True, dir_okay=False,
                                                           allow_dash=True, path_type=Path),
              help="Add the judgements of a file written by --export (- reads standard "
                   "input).")
def judgements(directory: Path, export_to: Path | None, import_from: Path | None) -> None:
    """Share identity judgements: export them to a plain file or import one.

    \b
    Examples:
      dossier judgements my-case --export judgements.jsonl
      dossier judgements my-case --import partner-judgements.jsonl
    """
    from entities.db.changes import open_case
    from entities.db.database import CaseDatabase
    from entities.db.judgements import Judgements

    if export_to is None and import_from is None:
        raise click.UsageError("give --export FILE or --import FILE")
    case = open_case(directory)
    with CaseDatabase.for_case(case.root) as db:
        if import_from is not None:
            with reading(import_from) as path:
                loaded = Judgements(db).load(path)
            click.echo(f"imported {loaded} judgements", err=str(export_to) == "-")
        if export_to is not None:
            with writing(export_to, "judgements.jsonl") as path:
                count = Judgements(db).dump(path)
            click.echo(f"exported {count} judgements to {export_to}", err=True)
