"""The documentation is current: every command is described in the user guide, the
command reference is what the commands print, links resolve, and the README's commands
work from a clone alone."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from dossier.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDE = {path.name: path.read_text(encoding="utf-8") for path in (ROOT / "docs").glob("*.md")
         if path.name != "commands.md"}
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "CHANGELOG.md",
         *sorted((ROOT / "docs").glob("*.md")), ROOT / "examples" / "lists" / "README.md"]


def _commands(group: click.Group = cli, prefix: str = "dossier") -> list[str]:
    out = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            out += _commands(command, f"{prefix} {name}")
        else:
            out.append(f"{prefix} {name}")
    return sorted(out)


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_described_in_the_guide(command: str) -> None:
    assert any(command in text for text in GUIDE.values()), command


def test_command_reference_is_current() -> None:
    from dossier.cli.reference import markdown

    current = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert current == markdown(), "regenerate it: python -m dossier.cli.reference"
    for command in _commands():
        assert f"## {command}\n" in current


def test_readme_setup_commands_match_ci() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.search(r"^(pip install -e '\.\[test\]'.*pytest.*)$", README, re.M)
    assert test_command is not None
    assert test_command.group(1) in ci
    assert "pip install . && dossier build examples/kazakhstan-2020-2021 --out out" in README


def test_readme_commands_need_nothing_outside_the_repository() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    assert blocks
    for block in blocks:
        assert "../" not in block and "shared/" not in block, block
        for path in re.findall(r"\b(examples/[\w./-]+)", block):
            assert (ROOT / path).exists(), path


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_between_pages_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        assert (page.parent / target).exists(), f"{page.name}: {target}"
