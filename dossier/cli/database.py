"""The case database and its integrity: ``db migrate``, ``verify``, ``log``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dossier.cli.group import CASE_DIR, cli, user_option


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
    from dossier.progress import StepProgress
    from entities.db.changes import open_case
    from entities.db.migrate import migrate

    open_case(directory)
    with StepProgress() as progress:
        counts = migrate(directory, to, progress)
    for table, rows in counts.items():
        click.echo(f"{table}: {rows} rows")
    click.echo("Done. Set DOSSIER_DATABASE_URL to this URL to use it.")


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--tsa-ca", "tsa_ca", type=click.Path(exists=True, dir_okay=False,
                                                  path_type=Path),
              help="The timestamping authority's CA certificate (PEM): check every trusted "
                   "timestamp of the case against it, offline.")
@click.option("--expect-head", metavar="HASH",
              help="The audit log head printed by an earlier verify (or in a build's "
                   "overview): check that the log still holds that entry.")
def verify(directory: Path, expect_head: str | None, tsa_ca: Path | None) -> None:
    """Check the evidence files and the audit log of a case.

    Re-hashes every registered evidence file (SHA-256) and reports files that are missing
    or modified since they were registered, files under sources/ (or named by a record)
    that are not registered yet (the next build registers them), and any break in the
    audit log's hash chain, and prints the log's head: keep it elsewhere, and give it back
    with --expect-head to detect entries removed from the end. Exits 1 when anything is
    wrong.

    \b
    Examples:
      dossier verify examples/kazakhstan-2020-2021
      dossier verify my-case --expect-head 3f9c…
      dossier verify my-case --tsa-ca freetsa-cacert.pem
    """
    from entities.db.verify import verify_case

    result = verify_case(directory, expect_head, tsa_ca)
    for line in result.lines():
        click.echo(line)
    if not result.clean:
        click.get_current_context().exit(1)


@cli.command("retire-file")
@click.argument("directory", type=CASE_DIR)
@click.argument("path")
@click.option("--reason", required=True, help="Why the file was deleted (recorded).")
@click.option("--by", "user", envvar="DOSSIER_USER", show_envvar=True, required=True,
              help="Who retires it (recorded in the audit log).")
def retire_file(directory: Path, path: str, reason: str, user: str) -> None:
    """Take a registered evidence file that was deliberately deleted out of the register.

    PATH is the file's path inside the case (as verify prints it). Only a file that no
    longer exists and that no record names can be retired; the audit log keeps its hash,
    who retired it and why, and verify passes again.

    \b
    Examples:
      dossier retire-file my-case sources/old-scan.pdf --reason "duplicate" --by "A. Analyst"
    """
    from entities.db.changes import open_case
    from entities.db.database import CaseDatabase
    from entities.db.evidence_files import FileRegistry

    case = open_case(directory)
    with CaseDatabase.for_case(case.root) as db:
        entry = FileRegistry(db, case).retire(path, user, reason)
    click.echo(f"retired {path} (SHA-256 {entry.sha256[:12]}…, registered "
               f"{entry.registered_at[:10]}) by {user}")


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
    from entities.db.audit import read_log
    from entities.db.changes import open_case

    case = open_case(directory)
    for entry in read_log(case.root, limit):
        if as_json:
            click.echo(json.dumps(entry.to_json(), ensure_ascii=False, sort_keys=True))
        else:
            click.echo(entry.describe())


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--tsa", required=True, metavar="URL",
              help="The RFC 3161 timestamping authority, e.g. https://freetsa.org/tsr.")
@click.option("--tsa-ca", "tsa_ca", type=click.Path(exists=True, dir_okay=False,
                                                   path_type=Path),
              help="The authority's CA certificate (PEM): each new token is checked against "
                   "it before it is kept, and a copy is kept in the case so that dossier "
                   "check and dossier verify check the tokens without it.")
@user_option("--by", "Who asks for the timestamps (recorded in the audit log).")
def timestamp(directory: Path, tsa: str, tsa_ca: Path | None, user: str) -> None:
    """Get a trusted timestamp (RFC 3161) for each registered evidence file and for the
    audit log's head: the authority's signed word that each hash existed by then.

    Asks only for hashes not stamped yet; keeps each token in the case database with an
    audit entry. dossier verify --tsa-ca CERT checks them offline later (or without
    --tsa-ca, against the certificate given here). Run it after a build, which registers
    new files.

    \b
    Example:
      dossier timestamp my-case --tsa https://freetsa.org/tsr
    """
    from entities.db.changes import open_case
    from entities.db.database import CaseDatabase
    from entities.db.timestamps import TimestampStore

    case = open_case(directory)
    with CaseDatabase.for_case(case.root) as db:
        store = TimestampStore(db, case.meta.id)
        subjects = store.subjects(case)
        made = store.stamp(subjects, tsa, user, tsa_ca)
        kept = store.keep_ca(case.root, tsa, tsa_ca) if tsa_ca is not None else None
    for token in made:
        click.echo(f"stamped {token.subject} ({token.sha256[:12]}…) at {token.stamped_at}")
    click.echo(f"{len(made)} new timestamps; {len(subjects) - len(made)} were stamped already")
    if tsa_ca is not None:
        click.echo(f"kept {tsa_ca.name} to check the tokens of {tsa} (dossier check, verify)"
                   if kept else f"{tsa_ca.name} verifies none of the tokens of {tsa}: not kept")
