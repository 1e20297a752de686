"""Every command on PostgreSQL (a real, throwaway server), moving a case from SQLite to
PostgreSQL, and two imports or two builds at the same time."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from screening_helpers import write_list

from dossier.cli import cli

pytestmark = pytest.mark.slow


def _files(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_every_command_runs_on_postgresql(fictional: Path, tmp_path: Path, pg_url: str,
                                          runner: CliRunner) -> None:
    env = {"DOSSIER_DATABASE_URL": pg_url, "DOSSIER_CACHE_DIR": str(tmp_path / "cache"),
           "DOSSIER_USER": "pg-tester"}

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), env=env)
        assert result.exit_code == 0, (args, result.output)
        return result.output

    run("build", str(fictional), "--out", str(tmp_path / "pg-out"))
    listfile = write_list(tmp_path / "list.ftm.json")
    run("screen", str(fictional), "--against", str(listfile))
    run("screen", str(fictional), "--confirm", "chief=fic-1")
    run("review", str(fictional), "--approve", "att-chief", "--by", "Reviewer")
    run("dedupe", str(fictional), "--json")
    partner = tmp_path / "partner.ftm.json"
    partner.write_text('{"id": "x1", "schema": "Person", "properties": '
                       '{"name": ["Serik Oydanov"], "birthDate": ["1968-03-02"]}}\n', "utf-8")
    run("import", str(fictional), str(partner))
    run("build", str(fictional), "--out", str(tmp_path / "pg-out"))
    assert "chain intact" in run("verify", str(fictional))
    actions = [json.loads(line)["action"] for line in run("log", str(fictional),
                                                            "--json").splitlines()]
    assert {"register-file", "screen", "screening-decision", "review", "import-ftm"} <= \
        set(actions)
    assert not (fictional / ".dossier" / "case.db").exists()  # nothing went to SQLite
    import psycopg

    with psycopg.connect(pg_url.replace("postgresql+psycopg", "postgresql")) as conn:
        tables = {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema='public'")}
        statements = conn.execute("SELECT count(*) FROM statement").fetchone()[0]
    assert {"statement", "resolver", "audit_log", "evidence_file", "screening_run",
            "screening_match", "screening_decision"} <= tables
    assert statements > 0
    gaps = (tmp_path / "pg-out" / "workbook.xlsx").read_bytes()
    assert gaps


def test_migrate_sqlite_case_to_postgresql(fictional: Path, tmp_path: Path, pg_url: str,
                                           runner: CliRunner) -> None:
    cache = {"DOSSIER_CACHE_DIR": str(tmp_path / "cache")}
    listfile = write_list(tmp_path / "list.ftm.json")
    for args in (["build", str(fictional), "--out", str(tmp_path / "sqlite-out")],
                 ["screen", str(fictional), "--against", str(listfile)],
                 ["screen", str(fictional), "--confirm", "chief=fic-1"],
                 ["build", str(fictional), "--out", str(tmp_path / "sqlite-out")]):
        result = runner.invoke(cli, args, env=cache)
        assert result.exit_code == 0, result.output
    log_before = runner.invoke(cli, ["log", str(fictional), "--json"]).output
    result = runner.invoke(cli, ["db", "migrate", str(fictional), "--to", pg_url])
    assert result.exit_code == 0, result.output
    assert "statement:" in result.output
    env = {**cache, "DOSSIER_DATABASE_URL": pg_url}
    log_after = runner.invoke(cli, ["log", str(fictional), "--json"], env=env).output
    assert log_after.startswith(log_before)
    assert json.loads(log_after.splitlines()[-1])["action"] == "db-migrate"
    verify = runner.invoke(cli, ["verify", str(fictional)], env=env)
    assert verify.exit_code == 0, verify.output
    result = runner.invoke(cli, ["build", str(fictional), "--out", str(tmp_path / "pg-out")],
                           env=env)
    assert result.exit_code == 0, result.output
    # identical, but for the audit log's head, which the migration's entry moved on
    integrity = {".manifest.json", "dossiers/overview.pdf"}
    pg, lite = _files(tmp_path / "pg-out"), _files(tmp_path / "sqlite-out")
    assert {k: v for k, v in pg.items() if k not in integrity} == \
        {k: v for k, v in lite.items() if k not in integrity}
    head = json.loads(log_after.splitlines()[-1])["hash"]
    manifests = [json.loads((tmp_path / out / ".manifest.json").read_text("utf-8"))
                 for out in ("pg-out", "sqlite-out")]
    assert manifests[0]["audit_head"] == head != manifests[1]["audit_head"]
    assert {k: v for k, v in manifests[0].items() if k != "audit_head"} == \
        {k: v for k, v in manifests[1].items() if k != "audit_head"}
    again = runner.invoke(cli, ["db", "migrate", str(fictional), "--to", pg_url])
    assert again.exit_code == 1 and "is not empty" in again.output


def test_two_imports_at_the_same_time_lose_nothing(fictional: Path, tmp_path: Path,
                                                   pg_url: str, runner: CliRunner) -> None:
    env = {**os.environ, "DOSSIER_DATABASE_URL": pg_url}
    files = []
    for name in ("left", "right"):
        path = tmp_path / f"{name}.ftm.json"
        path.write_text("".join(
            json.dumps({"id": f"{name}-{n}", "schema": "Person",
                        "properties": {"name": [f"{name.title()} Person {n}"]}}) + "\n"
            for n in range(3000)), "utf-8")
        files.append(path)
    processes = [subprocess.Popen(
        [sys.executable, "-c", "from dossier.cli import main; main()", "import",
         str(fictional), str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for path in files]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    import psycopg

    with psycopg.connect(pg_url) as conn:
        for name in ("left", "right"):
            count = conn.execute("SELECT count(DISTINCT entity_id) FROM statement "
                                 "WHERE origin LIKE %s", (f"{name}.ftm.json:%",)).fetchone()[0]
            assert count == 3000, name
    log = runner.invoke(cli, ["log", str(fictional), "--json"],
                        env={"DOSSIER_DATABASE_URL": pg_url}).output.splitlines()
    assert sorted(json.loads(line)["subject"] for line in log) == ["left.ftm.json",
                                                                    "right.ftm.json"]
    verify = runner.invoke(cli, ["verify", str(fictional)], env={"DOSSIER_DATABASE_URL":
                                                                  pg_url})
    assert "chain intact" in verify.output


def test_two_builds_at_the_same_time_agree(fictional: Path, tmp_path: Path,
                                          pg_url: str) -> None:
    # the same first-sighting time for both (two clocks a second apart would differ)
    env = {**os.environ, "DOSSIER_DATABASE_URL": pg_url, "SOURCE_DATE_EPOCH": "1700000000"}
    processes = [subprocess.Popen(
        [sys.executable, "-c", "from dossier.cli import main; main()", "build",
         str(fictional), "--out", str(tmp_path / name), "--audience", "government"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name in ("a", "b")]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    import psycopg

    with psycopg.connect(pg_url) as conn:
        total, distinct = conn.execute("SELECT count(*), count(DISTINCT id) FROM statement"
                                       ).fetchone()
    assert total == distinct > 0  # every statement once
    subprocess.run([sys.executable, "-c", "from dossier.cli import main; main()", "build",
                    str(fictional), "--out", str(tmp_path / "c")], env=env, check=True,
                   capture_output=True)
    with psycopg.connect(pg_url) as conn:
        alone = conn.execute("SELECT count(*) FROM statement").fetchone()[0]
    assert alone == total  # what a build on its own stores: nothing lost, nothing doubled


@pytest.mark.parametrize("url", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_postgres_urls_use_psycopg(url: str, monkeypatch: pytest.MonkeyPatch,
                                   tmp_path: Path) -> None:
    from entities.settings import database_url

    monkeypatch.setenv("DOSSIER_DATABASE_URL", url)
    assert database_url(tmp_path) == "postgresql+psycopg://u@h/db"
