"""The README documents every command, and packages keep a sorted public surface."""

from __future__ import annotations

import re

import pytest

from dossier.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_command_is_documented(command: str) -> None:
    assert f"dossier {command}" in README


def test_readme_setup_commands_match_ci() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = re.search(r"^(pip install -e '\.\[test\]'.*pytest.*)$", README, re.M)
    assert test_command is not None
    assert test_command.group(1) in ci
