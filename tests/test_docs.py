"""The README documents every command, and packages keep a sorted public surface."""

from __future__ import annotations

import importlib
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


@pytest.mark.parametrize("package", ["entities", "evidence_maps", "exports", "dossier"])
def test_all_is_sorted_and_importable(package: str) -> None:
    module = importlib.import_module(package)
    names = module.__all__
    assert names == sorted(names)
    for name in names:
        assert hasattr(module, name)


def test_layers_import_only_downwards() -> None:
    order = ["entities", "evidence_maps", "exports", "dossier"]
    for level, package in enumerate(order):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for higher in order[level + 1:]:
                assert not re.search(rf"^\s*(from|import) {higher}\b", text, re.M), (path, higher)
