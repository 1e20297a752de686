"""Shared fixtures. Cases are copied to a temporary folder because builds write
their database inside the case folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE = ROOT / "examples" / "kazakhstan-2020-2021"


@pytest.fixture(autouse=True)
def _no_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)


@pytest.fixture
def fictional(tmp_path: Path) -> Path:
    """A copy of the fictional test case."""
    dest = tmp_path / "fictional"
    shutil.copytree(FIXTURES / "fictional", dest, ignore=shutil.ignore_patterns(".dossier"))
    return dest


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the bundled example case."""
    dest = tmp_path / "example"
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns(".dossier"))
    return dest


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def write_case(root: Path, files: dict[str, str]) -> Path:
    """Write a small case from a mapping of relative path → text."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


CASE_YML = """\
id: mini
title: Mini case
organisation: {name: Test NGO}
"""
