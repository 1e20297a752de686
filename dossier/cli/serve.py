"""``dossier serve``: the local web app (:mod:`dossier.web`)."""

from __future__ import annotations

from pathlib import Path

import click

from dossier.cli.group import CASE_DIR, cli, user_option

LOCAL = ("127.0.0.1", "localhost")


@cli.command()
@click.argument("directory", type=CASE_DIR)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but 127.0.0.1 lets other machines reach "
                   "the app (a warning is printed); give the address the others will type.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--no-browser", is_flag=True, help="Print the access link only.")
@click.option("--new", "new", is_flag=True,
              help="Create DIRECTORY as a new case first (as dossier init does: a commented, "
                   "fictional example to change in the app).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Where builds go (a folder per audience and language inside); default: "
                   "CASE-outputs beside the case folder.")
@click.option("--team", is_flag=True,
              help="For several people: each signs in with an account of this case "
                   "(dossier accounts add), whose role decides what they may see and do; "
                   "reviews always need four eyes. Use PostgreSQL (DOSSIER_DATABASE_URL) "
                   "and put HTTPS in front (docs/team-server.md).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests for this host name (repeatable): the name a "
                   "proxy in front serves the app under, e.g. dossier.example.org.")
@click.option("--behind-https", is_flag=True,
              help="A proxy in front serves the app over HTTPS: cookies are sent over "
                   "HTTPS only.")
@user_option("--user", "Who works in the app (recorded with every review and change; not "
             "with --team, where each person signs in).")
def serve(directory: Path, host: str, port: int, no_browser: bool, new: bool,
          out: Path | None, user: str, team: bool, allow_hosts: tuple[str, ...],
          behind_https: bool) -> None:
    """Work on a case in the browser: overview, checks, the review queue, the audit log,
    builds for each audience and language, and every output to download.

    Prints a link with a one-time token (opening it signs the browser in) and opens it.
    The case folder stays the source of truth: a review is written to its YAML file and
    the audit log, as dossier review does. Ctrl+C stops the app.

    \b
    Examples:
      dossier serve examples/kazakhstan-2020-2021
      dossier serve my-case --port 9000 --no-browser --user aigerim
      dossier serve --new cases/my-new-case
      dossier serve my-case --team --allow-host dossier.example.org --behind-https
    """
    import webbrowser

    import uvicorn

    from dossier.web.app import create_app
    from dossier.web.security import Sessions, allowed_hosts

    if new:
        from dossier.scaffold import init_case

        init_case(directory)
        click.echo(f"Created the case {directory}", err=True)
    shown = "127.0.0.1" if host in LOCAL else host
    if team:
        from entities.settings import session_limits

        _check_team(directory)
        idle, longest = session_limits()
        sessions = Sessions(allowed_hosts(host, port) | set(allow_hosts), team=True,
                            idle=idle, longest=longest, secure=behind_https)
        url = f"http://{shown}:{port}/login"
        click.echo(f"Open {url} and sign in with an account of this case\n(Ctrl+C stops "
                   "the app)", err=True)
    else:
        if host not in LOCAL:
            click.echo(f"warning: listening on {host}: other machines can reach this app; "
                       "anyone holding the link below can open it once", err=True)
        sessions = Sessions(allowed_hosts(host, port) | set(allow_hosts), secure=behind_https)
        url = f"http://{shown}:{port}/login?token={sessions.token}"
        click.echo(f"Open {url}\n(the link works once; Ctrl+C stops the app)", err=True)
    app = create_app(directory, user, sessions, out)
    if not no_browser:
        webbrowser.open(url)
    # no access log: the first request carries the token, and URLs are nobody's business
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")


def _check_team(directory: Path) -> None:
    """Refuse a team without an admin in this case; warn of SQLite."""
    from entities.db.accounts import AccountStore
    from entities.db.changes import open_case
    from entities.db.database import CaseDatabase
    from entities.exc import DossierError

    case_id = open_case(directory).meta.id
    with CaseDatabase.for_case(directory) as db:
        admins = [a for a in AccountStore(db).accounts()
                  if (g := a.grants.get(case_id)) is not None and g.role == "admin"]
        dialect = db.dialect
    if not admins:
        raise DossierError(f"no account is an admin of this case yet; create one first:\n"
                           f"  dossier accounts add {directory} NAME --role admin")
    if dialect != "postgresql":
        click.echo("warning: the case database is SQLite on this machine; for a team set "
                   "DOSSIER_DATABASE_URL to a PostgreSQL database (docs/team-server.md)", err=True)
