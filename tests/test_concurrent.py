"""Two commands on one SQLite case database take turns (REDTEAM defect 13: the second of
two simultaneous builds failed with "database is locked", and a build during an import
could fail half-way). Each write transaction takes SQLite's write lock first and waits for
it, saying so once."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _build(case: Path, out: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "DOSSIER_DATABASE_URL"}
    # racing builds read no sightings yet: one first-sighting time for all (else two
    # clocks a second apart stamp new statements differently)
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    return subprocess.Popen([sys.executable, "-m", "dossier.cli", "build", str(case),
                             "--out", str(out)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _ok(process: subprocess.Popen[str]) -> str:
    """Wait for a build; its standard error (what it said) if it succeeded."""
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return err


def _files(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def _statement_ids(case: Path) -> list[str]:
    db = sqlite3.connect(case / ".dossier" / "case.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [r[0] for r in db.execute("SELECT id FROM statement ORDER BY id")]
    finally:
        db.close()


def test_two_simultaneous_builds_of_one_case_both_succeed(fictional: Path,
                                                          tmp_path: Path) -> None:
    first, second = _build(fictional, tmp_path / "a"), _build(fictional, tmp_path / "b")
    results = [p.communicate(timeout=300) for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), results
    assert not any("locked" in err for _, err in results)
    history = {"opensanctions/delta.json", "opensanctions/index.json",
                 "opensanctions/catalog.json", "opensanctions/delta-index.json"}
    a = {k: v for k, v in _files(tmp_path / "a").items() if k not in history
        and not k.startswith("opensanctions/delta/")}
    b = {k: v for k, v in _files(tmp_path / "b").items() if k not in history
        and not k.startswith("opensanctions/delta/")}
    manifests = [json.loads((tmp_path / x / ".manifest.json").read_text("utf-8"))
                 for x in "ab"]
    if manifests[0]["audit_head"] != manifests[1]["audit_head"]:
        # one build read the audit log after the other had stored (on a busy machine a
        # build can lag a whole build behind): only what prints the head read may differ
        from tests.test_pdf import pdf_text

        assert manifests[0]["targets"] == manifests[1]["targets"]
        texts = [pdf_text(tmp_path / x / "dossiers" / "overview.pdf").replace("\n", "")
                 for x in "ab"]
        said = re.compile(r"(?:Integrity)?The case's audit log stood at entry ?"
                          r"([0-9a-f]{64}) ?when.*?later\)\.")  # its section, if any
        for manifest, text in zip(manifests, texts, strict=True):  # None: an empty log
            assert [m.group(1) for m in said.finditer(text)] == \
                ([manifest["audit_head"]] if manifest["audit_head"] else [])
        assert said.sub("", texts[0]) == said.sub("", texts[1])
        for name in (".manifest.json", "dossiers/overview.pdf"):
            a.pop(name), b.pop(name)
    assert a == b
    ids = _statement_ids(fictional)
    assert ids and len(ids) == len(set(ids))
    alone = tmp_path / "alone"
    shutil.copytree(fictional, alone, ignore=shutil.ignore_patterns(".dossier"))
    _ok(_build(alone, tmp_path / "c"))
    assert _statement_ids(alone) == ids  # the same statements, once each


def test_a_build_waits_for_a_held_write_lock_and_says_so(fictional: Path,
                                                         tmp_path: Path) -> None:
    _ok(_build(fictional, tmp_path / "first"))
    (fictional / "data" / "incidents.yml").write_text(
        (fictional / "data" / "incidents.yml").read_text("utf-8").replace(
            "title: ", "title: Changed — ", 1), "utf-8")
    holder = sqlite3.connect(fictional / ".dossier" / "case.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another command, mid-write
    try:
        process = _build(fictional, tmp_path / "second")
        time.sleep(8)
        assert process.poll() is None  # still waiting, not failed
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = _ok(process)
    assert err.count("in use by another command") == 1
    assert _files(tmp_path / "second") != _files(tmp_path / "first")
