"""The ``dossier`` command line: one module per group of commands, each command a thin
wrapper over a library function.

========================  =====================================================
``dossier.cli.group``     the group, error messages and exit codes, shared options
``dossier.cli.case``      init, validate, show, check, review
``dossier.cli.build``     build, export
``dossier.cli.intake``    template, import
``dossier.cli.identity``  xref, dedupe, judgements
``dossier.cli.screening`` screen
``dossier.cli.database``  db migrate, verify, log
``dossier.cli.serve``     serve (the local web app)
========================  =====================================================
"""

from __future__ import annotations

from dossier.cli import (  # noqa: F401
    accounts,
    build,
    case,
    database,
    identity,
    intake,
    screening,
    serve,
)
from dossier.cli.group import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="dossier")
