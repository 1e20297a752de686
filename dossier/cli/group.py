"""The ``dossier`` command group, the one place where the project's errors become
messages and exit codes, and the options several commands share.

Only click and light modules are imported here and in the command modules; each command
imports the library it wraps when it runs, so that ``dossier --help`` starts quickly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from entities.case.levels import AUDIENCES
from entities.exc import DossierError, InvalidInput
from entities.settings import current_user

CASE_DIR = click.Path(file_okay=False, path_type=Path)
F = TypeVar("F", bound=Callable[..., Any])
Decorator = Callable[[F], F]


class DossierGroup(click.Group):
    """Turns the project's errors into plain messages and exit codes (no tracebacks):
    1 for a problem with the case, an input or an output; 130 when interrupted."""

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


def audience_option(help: str, default: str = "public") -> Decorator[Any]:
    """``--audience public|parliament|government`` (default: public)."""
    return click.option("--audience", type=click.Choice(list(AUDIENCES)), default=default,
                        show_default=True, help=help)


def lang_option(help: str) -> Decorator[Any]:
    """``--lang`` with the languages the message catalogue has (default: en)."""
    from entities.i18n.messages import LANGUAGES

    return click.option("--lang", type=click.Choice(list(LANGUAGES)), default="en",
                        show_default=True, help=help)


def replace_option(help: str) -> Decorator[Any]:
    """``--replace``: start an output folder afresh."""
    return click.option("--replace", is_flag=True, help=help)


def user_option(name: str, help: str) -> Decorator[Any]:
    """A ``--user``/``--by`` option whose default is who is running the command
    (``DOSSIER_USER``, else the login name)."""
    return click.option(name, "user", default=current_user, show_default="DOSSIER_USER or "
                        "your login name", help=help)


def drafts_option(help: str) -> Decorator[Any]:
    """``--include-drafts``."""
    return click.option("--include-drafts", is_flag=True, default=None, help=help)
