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
                   "the app (a warning is printed); team use with accounts is not here yet.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--no-browser", is_flag=True, help="Print the access link only.")
@click.option("--new", "new", is_flag=True,
              help="Create DIRECTORY as a new case first (as dossier init does: a commented, "
                   "fictional example to change in the app).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Where builds go (a folder per audience and language inside); default: "
                   "CASE-outputs beside the case folder.")
@user_option("--user", "Who works in the app (recorded with every review and change).")
def serve(directory: Path, host: str, port: int, no_browser: bool, new: bool,
          out: Path | None, user: str) -> None:
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
    """
    import webbrowser

    import uvicorn

    from dossier.web.app import create_app
    from dossier.web.security import Sessions, allowed_hosts

    if new:
        from dossier.scaffold import init_case

        init_case(directory)
        click.echo(f"Created the case {directory}", err=True)
    if host not in LOCAL:
        click.echo(f"warning: listening on {host}: other machines can reach this app; "
                   "anyone holding the link below can open it once", err=True)
    sessions = Sessions(allowed_hosts(host, port))
    app = create_app(directory, user, sessions, out)
    shown = "127.0.0.1" if host in LOCAL else host
    url = f"http://{shown}:{port}/login?token={sessions.token}"
    click.echo(f"Open {url}\n(the link works once; Ctrl+C stops the app)", err=True)
    if not no_browser:
        webbrowser.open(url)
    # no access log: the first request carries the token, and URLs are nobody's business
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
