"""The ``dossier`` command line. Each command is a thin wrapper over one function;
this is the only place where errors become messages."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from entities.case.levels import AUDIENCES
from entities.case.loader import load_case
from entities.exc import DossierError, InvalidInput

CASE_DIR = click.Path(file_okay=False, path_type=Path)


class DossierGroup(click.Group):
    """Turns the project's errors into plain messages and exit codes (no tracebacks)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidInput as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"{exc}; nothing was written. Fix them and run the command again.",
                       err=True)
            ctx.exit(1)
        except DossierError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted; previous outputs are unchanged.", err=True)
            ctx.exit(130)


@click.group(cls=DossierGroup)
@click.version_option(package_name="sanctions-dossier")
def cli() -> None:
    """Build Magnitsky-style sanctions dossiers from a case folder.

    \b
    Start a case, check it, build it:
      dossier init my-case
      dossier validate my-case
      dossier build my-case --out out
    """


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
    case = load_case(directory)
    counts = ", ".join(f"{n} {k}" for k, n in case.count().items())
    click.echo(f"{directory}: valid ({counts})")


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the outputs (created if missing).")
@click.option("--audience", type=click.Choice(list(AUDIENCES)), default="public",
              show_default=True, help="Who the outputs are for; withholds what they may not see.")
@click.option("--include-drafts", is_flag=True, default=None,
              help="Include draft attributions for the public and parliament audiences too.")
@click.option("--lang", type=click.Choice(["en", "ru"]), default="en", show_default=True,
              help="Language of the headings and fixed text of the PDFs.")
@click.option("--accept-changes", is_flag=True,
              help="Accept evidence files that changed since they were registered: record "
                   "their new SHA-256 (in the audit log) instead of stopping.")
def build(directory: Path, out: Path, audience: str, include_drafts: bool | None,
          lang: str, accept_changes: bool) -> None:
    """Validate the case, store it, and write its outputs.

    Writes OUT/entities.ftm.json (FollowTheMoney JSON lines) and OUT/evidence_map.json
    (graded attributions, person x incident matrix, regime findings), OUT/maps/ (diagrams
    and timelines) and OUT/dossiers/ (one PDF per target and overview.pdf). The case database
    in DIRECTORY/.dossier/ (or DOSSIER_DATABASE_URL) receives every record. Draft
    attributions are held back from the public and parliament audiences; the build says
    which. The checks of "dossier check" run too and are summarised.

    \b
    Example:
      dossier build examples/kazakhstan-2020-2021 --out out
    """
    from dossier.build import build_case
    from dossier.progress import StepProgress

    with StepProgress() as progress:
        result = build_case(directory, out, audience, include_drafts or None, lang, progress,
                            accept_changes)
    units = {"entities": "entities", "evidence map": "attributions", "pictures": "pictures",
             "opensanctions": "entities", "dossiers": "PDFs"}
    click.echo(f"audience: {audience}")
    for name, path in result.outputs.items():
        unit = units.get(name)
        suffix = f" ({result.counts.get(name, 0)} {unit})" if unit else ""
        click.echo(f"wrote {path}{suffix}")
    if result.targets:
        click.echo(f"target dossiers: {result.targets['written']} written, "
                   f"{result.targets['kept']} unchanged since the last build")
    for attribution, reason in result.held_back:
        click.echo(f"held back {attribution}: {reason}")
    levels = [f.level for f in result.findings]
    if levels:
        click.echo(f"checks: {levels.count('error')} errors, {levels.count('warning')} "
                   f"warnings (see: dossier check {directory})")


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
    from exports.authoring import write_workbook

    write_workbook(file)
    click.echo(f"wrote {file}; fill it in, then run: dossier import CASE {file}")


@cli.command("import")
@click.argument("directory", type=CASE_DIR)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", help="For a CSV file: which sheet it holds (people, evidence, …); "
              "default: taken from the file name.")
@click.option("--dry-run", is_flag=True, help="Check and report, but change nothing.")
def import_(directory: Path, file: Path, kind: str | None, dry_run: bool) -> None:
    """Import a spreadsheet (.xlsx, .csv) or FollowTheMoney data (.ftm.json) into a case.

    Spreadsheet rows become records in DIRECTORY/data/imported/; importing the same
    file again only applies what changed. FtM entities (e.g. from OpenSanctions or
    Aleph) go into the case database as candidates for identity resolution. Any
    problem and nothing changes.

    \b
    Examples:
      dossier import my-case my-case.xlsx
      dossier import my-case people.csv
      dossier import my-case us_ofac_sdn.ftm.json
    """
    from entities.intake.ftm_import import import_ftm, is_ftm_file
    from entities.intake.importer import import_table

    if is_ftm_file(file):
        from dossier.progress import byte_progress

        with byte_progress(f"importing {file.name}", file.stat().st_size) as progress:
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
    result = import_table(directory, file, kind, dry_run=dry_run)
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb} {file.name}: {result.summary} (records in {result.target})")
    if result.ignored_sheets:
        click.echo(f"ignored sheets: {', '.join(result.ignored_sheets)}")


@cli.group()
def db() -> None:
    """Manage the case database (SQLite by default, PostgreSQL for teams).

    \b
    Example:
      dossier db migrate my-case --to postgresql://ngo@db.example.org/my_case
    """


@db.command("migrate")
@click.argument("directory", type=CASE_DIR)
@click.option("--to", "to", required=True, metavar="URL",
              help="The target database, e.g. postgresql://user:pass@host/dbname (empty).")
def db_migrate(directory: Path, to: str) -> None:
    """Move a case's SQLite database (DIRECTORY/.dossier/case.db) to PostgreSQL.

    Copies the statements, identity judgements, screening results and decisions, the
    evidence file register and the audit log in one transaction, and checks the row
    counts. Afterwards set DOSSIER_DATABASE_URL to the same URL for every command.

    \b
    Example:
      dossier db migrate my-case --to postgresql://ngo@db.example.org/my_case
      export DOSSIER_DATABASE_URL=postgresql://ngo@db.example.org/my_case
    """
    from entities.db.migrate import migrate

    load_case(directory)
    counts = migrate(directory, to)
    for table, rows in counts.items():
        click.echo(f"{table}: {rows} rows")
    click.echo("Done. Set DOSSIER_DATABASE_URL to this URL to use it.")


@cli.command()
@click.argument("directory", type=CASE_DIR)
def verify(directory: Path) -> None:
    """Check the evidence files and the audit log of a case.

    Re-hashes every registered evidence file (SHA-256) and reports files that are missing
    or modified since they were registered, files under sources/ (or named by a record)
    that are not registered yet (the next build registers them), and any break in the
    audit log's hash chain. Exits 1 when anything is wrong.

    \b
    Example:
      dossier verify examples/kazakhstan-2020-2021
    """
    from entities.case.loader import read_case
    from entities.db.audit import AuditLog
    from entities.db.evidence_files import FileRegistry

    case, problems = read_case(directory)
    for problem in problems:
        click.echo(f"case: {problem}")
    if case is None:
        click.get_current_context().exit(1)
        return
    with FileRegistry(case) as registry:
        report = registry.verify()
    with AuditLog.for_case(case.root) as log:
        chain = log.verify()
        entries = len(log.entries())
    for entry in report.missing:
        click.echo(f"missing: {entry.path} (registered {entry.registered_at[:10]})")
    for entry, digest in report.modified:
        click.echo(f"modified: {entry.path} (registered SHA-256 {entry.sha256}, now {digest})")
    for path in report.unregistered:
        click.echo(f"unregistered: {path} (run dossier build to register it)")
    for broken in chain:
        click.echo(f"audit log: {broken}")
    click.echo(f"{len(report.ok)} evidence files intact; audit log: {entries} entries, "
               f"{'chain intact' if not chain else 'CHAIN BROKEN'}")
    if not report.clean or chain or problems:
        click.get_current_context().exit(1)


@cli.command("log")
@click.argument("directory", type=CASE_DIR)
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON lines.")
@click.option("--limit", type=int, default=0, help="Only the last N entries.")
def log_(directory: Path, as_json: bool, limit: int) -> None:
    """Show the audit log: every change made through the tool, with who, when, what, and
    the state before and after (imports, reviews, identity judgements, screening,
    evidence files registered and accepted hash changes).

    \b
    Examples:
      dossier log my-case
      dossier log my-case --json --limit 20
    """
    from entities.db.audit import AuditLog

    case = load_case(directory)
    with AuditLog.for_case(case.root) as log:
        entries = log.entries()
    if limit:
        entries = entries[-limit:]
    for e in entries:
        if as_json:
            click.echo(json.dumps({"seq": e.seq, "at": e.at, "who": e.actor,
                                   "action": e.action, "subject": e.subject,
                                   "before": e.before, "after": e.after, "hash": e.hash},
                                  ensure_ascii=False, sort_keys=True))
        else:
            change = ""
            if e.before is not None or e.after is not None:
                change = f": {_short(e.before)} -> {_short(e.after)}"
            click.echo(f"{e.seq:>5} {e.at} {e.actor} {e.action} {e.subject}{change}")


def _short(value: Any, width: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--against", "against", multiple=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="A sanctions list as FtM JSON lines (OpenSanctions format); repeatable.")
@click.option("--yente", metavar="URL", help="Also ask a running yente server's /match API.")
@click.option("--yente-dataset", default="default", show_default=True,
              help="The yente dataset (collection) to match against.")
@click.option("--send-confidential", is_flag=True,
              help="Let --yente send targets marked confidential (they are held back "
                   "otherwise).")
@click.option("--threshold", type=float, default=0.70, show_default=True,
              help="Report matches scoring at or above this (nomenklatura logic-v2, 0-1).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--audience", type=click.Choice(list(AUDIENCES)), default="public",
              show_default=True, help="Print only targets this audience may see (all are "
              "screened and stored).")
@click.option("--confirm", multiple=True, metavar="TARGET=LISTED_ID",
              help="Record that a stored match is the target (a reviewer's decision).")
@click.option("--reject", multiple=True, metavar="TARGET=LISTED_ID",
              help="Record that a stored match is not the target; it leaves the dossier.")
@click.option("--user", default=lambda: os.environ.get("USER", "unknown"),
              help="Who decides (for --confirm/--reject); default: $USER.")
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
      dossier screen my-case --yente http://localhost:8000 --yente-dataset sanctions
      dossier screen my-case --confirm person-1=ofac-23343
    """
    from dossier.progress import step_progress
    from dossier.screen import decide
    from dossier.screen import screen as run_screen
    from dossier.screen_view import print_screen_report

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
    report = run_screen(source, list(against), threshold, yente, yente_dataset,
                        send_confidential, step_progress).for_audience(audience)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return
    print_screen_report(report, Console())


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--format", "fmt", required=True,
              type=click.Choice(["authoring-xlsx", "xlsx", "opensanctions", "gexf"]),
              help="authoring-xlsx: the whole case in the template's shape, to edit and "
                   "re-import; xlsx: the parliamentary workbook; opensanctions: an "
                   "OpenSanctions-compatible dataset folder; gexf: a graph for Gephi.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="File (or, for opensanctions, folder) to write.")
@click.option("--audience", type=click.Choice(list(AUDIENCES)), default="public",
              show_default=True, help="Who the export is for (not for authoring-xlsx, "
                                      "which is the full case for its editors).")
@click.option("--include-drafts", is_flag=True, default=None,
              help="Include draft attributions for the public and parliament audiences.")
def export(directory: Path, fmt: str, out: Path, audience: str,
           include_drafts: bool | None) -> None:
    """Write the case in one format.

    \b
    Examples:
      dossier export my-case --format authoring-xlsx --out my-case.xlsx
      dossier export my-case --format xlsx --audience parliament --out briefing.xlsx
      dossier export my-case --format opensanctions --out dataset/
      dossier export my-case --format gexf --out graph.gexf
    """
    if fmt == "authoring-xlsx":
        from exports.authoring import write_workbook

        write_workbook(out, load_case(directory))
    else:
        from dossier.build import export_case

        export_case(directory, fmt, out, audience, include_drafts or None)
    click.echo(f"wrote {out} ({fmt})")


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--json", "as_json", is_flag=True,
              help='Print JSON: [{"level", "code", "record", "message"}, ...].')
@click.option("--audience", type=click.Choice(list(AUDIENCES)), default="public",
              show_default=True, help="Only findings about records this audience may see; "
              "use government to see every finding.")
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
    from evidence_maps.checks import findings_for, run_checks

    case = load_case(directory)
    findings = findings_for(case, run_checks(case), audience)
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
@click.option("--by", "by", default=lambda: os.environ.get("USER", "analyst"),
              help="Who reviewed it (recorded in the case file).")
def review(directory: Path, approve: tuple[str, ...], by: str) -> None:
    """List draft attributions, or mark some reviewed (recorded with who and when).

    Drafts are held back from public and parliament outputs. Reviewing edits only the
    attribution's lines in its YAML file (status, reviewed_by, reviewed_on).

    \b
    Examples:
      dossier review my-case
      dossier review my-case --approve att-3 --by "A. Analyst"
    """
    import datetime as dt

    from entities.intake.edit import mark_reviewed
    from evidence_maps.analysis import analyse

    if approve:
        today = dt.date.today().isoformat()
        for attribution in approve:
            record = mark_reviewed(directory, attribution, by, today)
            click.echo(f"reviewed {record.id} ({record.origin('status')}) by {by} on {today}")
        return
    case = load_case(directory)
    grades = {a.id: a.grade for a in analyse(case, include_drafts=True).attributions}
    drafts = [a for a in case.attributions if a.status != "reviewed"]
    for att in drafts:
        grade = grades.get(att.id)
        level = grade.level if grade is not None else "no evidence"
        click.echo(f"{att.id}: {att.actor} → {att.incident} ({att.mode}), grade {level}, "
                   f"{att.origin('id')}")
        if att.note:
            click.echo(f"    note: {att.note}")
    click.echo(f"{len(drafts)} draft attributions")


BLOCKERS = {"auto": None, "both": True, "skeleton": False}


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {pairs, clusters}.")
@click.option("--all", "include_distinct", is_flag=True,
              help="With --json, list candidate pairs decided distinct too.")
@click.option("--blocker", type=click.Choice(list(BLOCKERS)), default="auto",
              show_default=True, help="Candidates from nomenklatura's index and our "
              "transliteration skeletons (both), skeletons only, or auto (both up to "
              "20,000 entities).")
def xref(file: Path, as_json: bool, include_distinct: bool, blocker: str) -> None:
    """Find duplicate people and organisations in any FollowTheMoney file.

    Each candidate pair is decided merge (strong agreement), review (plausible, for a
    person to judge) or distinct. Nothing is stored.

    \b
    Example:
      dossier xref partner-data.ftm.json --json
    """
    from dossier.dedupe import pairs_table, read_ftm_file, result_json
    from entities.resolution.orgnames import alias_table
    from entities.resolution.xref import LogicV2Scorer
    from entities.resolution.xref import xref as run_xref

    console = Console(stderr=True)
    with console.status("reading entities…"):
        entities = read_ftm_file(file)
    with console.status(f"resolving {len(entities)} entities…"):
        result = run_xref(entities, aliases=alias_table(), scorer=LogicV2Scorer(),
                          use_index=BLOCKERS[blocker], keep_distinct=include_distinct)
    if as_json:
        click.echo(result_json(result, include_distinct))
    else:
        Console().print(pairs_table(result, {str(e.id): e for e in entities}))


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {pairs, clusters}.")
@click.option("--review", is_flag=True, help="Judge each review pair in the terminal.")
@click.option("--user", default=lambda: os.environ.get("USER", "analyst"),
              help="Name recorded with your judgements.")
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
    from dossier.dedupe import dedupe_case, pairs_table, result_json, review_pairs

    console = Console(stderr=True)
    with console.status("resolving identities…"):
        found = dedupe_case(directory, BLOCKERS[blocker])
    if as_json:
        click.echo(result_json(found.result))
    elif not review:
        Console().print(pairs_table(found.result, found.entities))
    click.echo(f"{found.recorded} automatic merges recorded; "
               f"{found.result.stats.get('review', 0)} pairs to review", err=True)
    if review:
        out = Console()
        choices = {"s": "same", "d": "different", "u": "unsure", "k": "skip", "q": "quit"}

        def ask(pair: object, table: object) -> str:
            out.print(table)
            key = click.prompt("[s]ame, [d]ifferent, [u]nsure, s[k]ip, [q]uit",
                               type=click.Choice(list(choices)), show_choices=False)
            return choices[key]

        counts = review_pairs(directory, found, ask, user)
        click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--export", "export_to", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every judgement to this file (JSON lines).")
@click.option("--import", "import_from", type=click.Path(exists=True, dir_okay=False,
                                                           path_type=Path),
              help="Add the judgements of a file written by --export.")
def judgements(directory: Path, export_to: Path | None, import_from: Path | None) -> None:
    """Share identity judgements: export them to a plain file or import one.

    \b
    Examples:
      dossier judgements my-case --export judgements.jsonl
      dossier judgements my-case --import partner-judgements.jsonl
    """
    from entities.db.judgements import dump_judgements, load_judgements

    load_case(directory)
    if export_to is None and import_from is None:
        raise click.UsageError("give --export FILE or --import FILE")
    if import_from is not None:
        click.echo(f"imported {load_judgements(directory, import_from)} judgements")
    if export_to is not None:
        click.echo(f"exported {dump_judgements(directory, export_to)} judgements to "
                   f"{export_to}")


@cli.command()
@click.argument("directory", type=CASE_DIR)
def show(directory: Path) -> None:
    """Show the case's targets, incidents, evidence and attributions as tables.

    \b
    Example:
      dossier show examples/kazakhstan-2020-2021
    """
    from dossier.show import show_case

    show_case(load_case(directory), Console())


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="dossier")


if __name__ == "__main__":  # pragma: no cover
    main()
