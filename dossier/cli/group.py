"""The ``dossier`` command group, the one place where the project's errors become
messages and exit codes, and the options several commands share.

Only click and light modules are imported here and in the command modules; each command
imports the library it wraps when it runs, so that ``dossier --help`` starts quickly.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
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
    1 for a problem with the case, an input or an output; 130 when interrupted. With
    ``--debug`` the error's traceback is shown too, for a bug report."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (DossierError, KeyboardInterrupt):
            if ctx.params.get("debug"):
                import traceback

                traceback.print_exc()
            self._explain(ctx)
        return None

    @staticmethod
    def _explain(ctx: click.Context) -> None:
        """The message and exit code of the error being handled."""
        exc = sys.exc_info()[1]
        if isinstance(exc, InvalidInput):
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"{exc}; nothing was written. Fix them and run the command again.",
                       err=True)
            ctx.exit(1)
        if isinstance(exc, KeyboardInterrupt):
            click.echo("Interrupted; previous outputs are unchanged.", err=True)
            ctx.exit(130)
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(1)


@click.group(cls=DossierGroup)
@click.version_option(package_name="sanctions-dossier")
@click.option("--debug", is_flag=True,
              help="Show the traceback of an error too (for a bug report).")
def cli(debug: bool) -> None:
    """Build Magnitsky-style sanctions dossiers from a case folder.

    \b
    Start a case, check it, build it:
      dossier init my-case
      dossier validate my-case
      dossier build my-case --out out
    """


@contextlib.contextmanager
def reading(path: Path) -> Iterator[Path]:
    """``path``, or for ``-`` a temporary copy of standard input (read as a file)."""
    if str(path) != "-":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="dossier-stdin-") as folder:
        copy = Path(folder) / "stdin.ftm.json"
        with copy.open("wb") as fh:
            shutil.copyfileobj(sys.stdin.buffer, fh)
        yield copy


@contextlib.contextmanager
def writing(path: Path, name: str = "output") -> Iterator[Path]:
    """``path``, or for ``-`` a temporary file copied to standard output at the end
    (written whole, so a failed command prints nothing)."""
    if str(path) != "-":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="dossier-stdout-") as folder:
        target = Path(folder) / name
        yield target
        with target.open("rb") as fh:
            shutil.copyfileobj(fh, sys.stdout.buffer)
        sys.stdout.buffer.flush()


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
