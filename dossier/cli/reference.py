"""The command reference (``docs/commands.md``), generated from the commands' own help.

Regenerate it after changing a command: ``python -m dossier.cli.reference``. A test
checks that the file in the repository is what this module makes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier.cli import cli

WIDTH = 88
HEADER = """\
# Command reference

Generated from the commands' own `--help` by `python -m dossier.cli.reference`; do not
edit by hand. Every command prints the same with `dossier COMMAND --help`. Errors in a
case are listed all at once as `file:line: field: message`; exit status 0 is success, 1
a problem with the case, an input or an output (nothing was written), 2 a mistyped
command, 130 interrupted.
"""


def _commands(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    out = []
    for name in sorted(group.commands):
        command = group.commands[name]
        out.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            out += _commands(command, f"{prefix} {name}")
    return out


def _help(name: str, command: click.Command) -> str:
    parent = click.Context(cli, info_name="dossier", terminal_width=WIDTH,
                           max_content_width=WIDTH)
    context = click.Context(command, info_name=name.removeprefix("dossier "), parent=parent,
                            terminal_width=WIDTH, max_content_width=WIDTH)
    return command.get_help(context)


def markdown() -> str:
    """The whole reference, in Markdown."""
    parts = [HEADER]
    commands = _commands(cli, "dossier")
    parts.append("\n".join(f"- [`{name}`](#{name.replace(' ', '-')})" for name, _ in commands)
                 + "\n")
    for name, command in commands:
        parts.append(f"## {name}\n\n```text\n{_help(name, command)}\n```\n")
    return "\n".join(parts)


def main() -> None:
    """Write ``docs/commands.md`` beside the package (or print with ``-``)."""
    text = markdown()
    if sys.argv[1:] == ["-"]:
        sys.stdout.write(text)
        return
    path = Path(__file__).resolve().parents[2] / "docs" / "commands.md"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
