"""Killing a build at any moment leaves the previous outputs (or the complete new ones)
and an intact store: builds are killed (SIGKILL) at several moments and the results
compared with complete builds of the old and the new case."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")]
DELAYS = [0.2, 0.6, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0]


def _build(case: Path, out: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "DOSSIER_DATABASE_URL"}
    env["SOURCE_DATE_EPOCH"] = "1700000000"  # every build records the same first sightings
    return subprocess.Popen([sys.executable, "-c", "from dossier.cli import main; main()",
                             "build", str(case), "--out", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _files(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def _store(case: Path) -> tuple[str, list[str]]:
    db = sqlite3.connect(case / ".dossier" / "case.db")
    try:
        check = db.execute("PRAGMA integrity_check").fetchone()[0]
        ids = [r[0] for r in db.execute("SELECT id FROM statement ORDER BY id")]
    finally:
        db.close()
    return check, ids


def test_killed_builds_leave_whole_outputs_and_an_intact_store(fictional: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _build(fictional, out).wait(120) == 0
    old_files, (_, old_store) = _files(out), _store(fictional)
    saved = tmp_path / "saved-old-out"
    shutil.copytree(out, saved)
    incidents = fictional / "data" / "incidents.yml"
    incidents.write_text(incidents.read_text("utf-8").replace(
        "title: ", "title: Changed — ", 1), "utf-8")
    reference = tmp_path / "reference-case"
    shutil.copytree(fictional, reference)
    shutil.copytree(out, tmp_path / "reference-out")  # same history: delta v1 -> v2
    assert _build(reference, tmp_path / "reference-out").wait(120) == 0
    new_files, (_, new_store) = _files(tmp_path / "reference-out"), _store(reference)
    assert new_files != old_files and new_store != old_store
    outcomes = set()
    for delay in DELAYS:
        process = _build(fictional, out)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        files = _files(out) if out.exists() else {}
        if not files:  # killed between the two renames: the next build recovers
            from dossier.outdir import recover

            recover(out)
            files = _files(out)
        assert files in (old_files, new_files), delay
        check, ids = _store(fictional)
        assert check == "ok" and ids in (old_store, new_store), delay
        outcomes.add("new" if files == new_files else "old")
        if files == new_files:  # the build finished: start again from the old outputs
            shutil.rmtree(out)
            shutil.copytree(saved, out)
    assert "old" in outcomes  # at least one kill landed mid-build
    assert _build(fictional, out).wait(120) == 0
    assert _files(out) == new_files
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def _built_then_edited(case: Path, out: Path, monkeypatch: pytest.MonkeyPatch
                       ) -> tuple[Any, dict[str, str], tuple[str, list[str]]]:
    """Build ``case`` into ``out`` through the command line, then edit one incident:
    the runner, and the outputs and store the next build must leave as they are."""
    from click.testing import CliRunner

    from dossier.cli import cli

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(case), "--out", str(out)]).exit_code == 0
    old = _files(out), _store(case)
    incidents = case / "data" / "incidents.yml"
    incidents.write_text(incidents.read_text("utf-8").replace(
        "title: ", "title: Changed — ", 1), "utf-8")
    return runner, *old


def test_a_worker_killed_mid_build_fails_the_build_naming_its_target(
        fictional: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed by the system (as for want of memory) while writing one target's
    dossier: the build stops with a message naming that target, exits non-zero, and the
    previous outputs and the store stay as they were."""
    import dossier.targets as targets
    from dossier.cli import cli

    out = tmp_path / "out"
    runner, old_files, old_store = _built_then_edited(fictional, out, monkeypatch)
    write = targets.write_target
    parent = os.getpid()

    def dies(view: object, target: object, out_dir: Path, lang: str) -> int:
        if os.getpid() != parent:  # in a worker: killed as the system kills it
            os.kill(os.getpid(), signal.SIGKILL)
        return write(view, target, out_dir, lang)  # type: ignore[arg-type]

    monkeypatch.setattr(targets, "write_target", dies)
    result = runner.invoke(cli, ["build", str(fictional), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "a build worker stopped unexpectedly" in result.output
    assert "while writing the dossier of " in result.output and "(dossiers/" in \
        result.output and "the previous outputs are unchanged" in result.output
    assert "Traceback" not in result.output
    assert _files(out) == old_files and _store(fictional) == old_store


def test_the_statements_job_killed_fails_the_build(fictional: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The background job that makes the case database's statements, killed: the build
    stops saying so, exits non-zero, and leaves the previous outputs and store."""
    import dossier.statements_job as statements_job
    from dossier.cli import cli

    out = tmp_path / "out"
    runner, old_files, old_store = _built_then_edited(fictional, out, monkeypatch)
    parent = os.getpid()

    def dies(case: object, spool: Path, *part: int) -> None:
        assert os.getpid() != parent  # it runs beside the build
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(statements_job, "spool_statements", dies)
    result = runner.invoke(cli, ["build", str(fictional), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "a build worker stopped unexpectedly" in result.output
    assert "while writing the case database's statements" in result.output
    assert "Traceback" not in result.output
    assert _files(out) == old_files and _store(fictional) == old_store
    assert not list((fictional / ".dossier").glob("build-*"))  # no spool left behind
