"""Shared fixtures. Cases are copied to a temporary folder because builds write
their database inside the case folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE = ROOT / "examples" / "kazakhstan-2020-2021"
#: The team's shared data (not part of the repository): a folder ``shared/data`` beside
#: the checkout, or wherever DOSSIER_SHARED_DATA points.
SHARED_DATA = Path(os.environ.get("DOSSIER_SHARED_DATA") or ROOT.parent / "shared" / "data")
OFAC_SNAPSHOT = SHARED_DATA / "sanctions" / "us_ofac_sdn.ftm.json"
DEDUPE_DEV = SHARED_DATA / "dedupe_dev.json"


def needs_shared(path: Path) -> pytest.MarkDecorator:
    """Skip a test, saying how to get what it needs, when a shared data file is absent."""
    how = {OFAC_SNAPSHOT.name: "the OFAC SDN snapshot of the team's shared data (a current "
                               "list, whose figures will differ: https://data.opensanctions.org"
                               "/datasets/latest/us_ofac_sdn/entities.ftm.json)",
           DEDUPE_DEV.name: "the labelled identity dev set of the team's shared data"}
    return pytest.mark.skipif(not path.is_file(), reason=(
        f"needs {path} — {how.get(path.name, 'a file of the shared data')}; put it there, "
        "or set DOSSIER_SHARED_DATA to the folder that holds sanctions/ and dedupe_dev.json"))


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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A throwaway PostgreSQL server (skipped with the reason when none can be started,
    except in CI, where that is a failure)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        psycopg = None
    from tests.pgserver import PostgresServer, required

    server = PostgresServer()
    if psycopg is None:
        server.error = "psycopg is not installed (pip install '.[test]')"
    started = psycopg is not None and server.start()
    if not started:
        server.stop()
        if required():
            pytest.fail(f"PostgreSQL is required in CI: {server.error}")
        pytest.skip(f"no local PostgreSQL server: {server.error}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: object, request: pytest.FixtureRequest) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    import re

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    return pg_server.create_database(name)  # type: ignore[attr-defined, no-any-return]


def require_tool(name: str, package: str) -> None:
    """Skip the calling test when the program ``name`` is missing — or, in CI
    (``DOSSIER_REQUIRE_TOOLS``, set by ``.ci/run``, which installs them), fail it."""
    import shutil as _shutil

    if _shutil.which(name) is not None:
        return
    message = f"{name} is not installed (Debian package {package})"
    if os.environ.get("DOSSIER_REQUIRE_TOOLS"):
        pytest.fail(f"{message}; CI must install it")
    pytest.skip(message)
