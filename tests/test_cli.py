"""The command line: exit codes, messages without tracebacks, help, determinism."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import cli
from tests.conftest import CASE_YML, write_case


def test_validate_valid_case(runner: CliRunner, fictional: Path) -> None:
    result = runner.invoke(cli, ["validate", str(fictional)])
    assert result.exit_code == 0
    assert result.output.strip().endswith("valid (3 people, 2 organisations, 1 positions, "
                                          "1 tenures, 0 relations, 3 sources, 3 evidence, "
                                          "1 incidents, 2 attributions)")
    assert not (fictional / ".dossier").exists()


def test_validate_invalid_case_lists_problems_and_writes_nothing(runner: CliRunner,
                                                                 tmp_path: Path) -> None:
    write_case(tmp_path, {"case.yml": CASE_YML,
                          "data/a.yml": "people:\n  - id: p\n    names: [A]\n    birth_date: "
                                        "soon\n"})
    result = runner.invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert 'data/a.yml:4: people[0].birth_date: "soon" is not a date' in result.output
    assert "Traceback" not in result.output
    assert "the case has 1 problem; nothing was written" in result.output


def test_build_writes_entities_and_store(runner: CliRunner, fictional: Path,
                                         tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(fictional), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "entities.ftm.json").is_file()
    assert (fictional / ".dossier" / "case.db").is_file()
    assert "audience: public" in result.output and "entities.ftm.json (" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [".dossier-output.json", ".manifest.json", "dossiers", "entities.ftm.json",
                     "evidence_map.json",
                     "maps", "opensanctions", "workbook.xlsx"]
    assert sorted(p.name for p in out.rglob(".*")) == [".dossier-output.json",
                                                        ".manifest.json"]  # no temporary files
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_failed_build_leaves_previous_output(runner: CliRunner, fictional: Path,
                                             tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(cli, ["build", str(fictional), "--out", str(out)]).exit_code == 0
    before = (out / "entities.ftm.json").read_bytes()
    bad = fictional / "data" / "bad.yml"
    bad.write_text("people:\n  - id: z\n    names: [Z]\n    nationality: Narnia\n")
    result = runner.invoke(cli, ["build", str(fictional), "--out", str(out)])
    assert result.exit_code == 1
    assert "data/bad.yml:4: people[0].nationality[0]: 'Narnia' is not a country" in result.output
    assert (out / "entities.ftm.json").read_bytes() == before


def _build_in_subprocess(case: Path, out: Path, seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    env.pop("DOSSIER_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "dossier.cli", "build", str(case), "--out", str(out)],
                   check=True, env=env, capture_output=True)
    return hashlib.sha256((out / "entities.ftm.json").read_bytes()).hexdigest()


@pytest.mark.slow
def test_rebuild_gives_identical_bytes_across_processes(example: Path, tmp_path: Path) -> None:
    digests = {_build_in_subprocess(example, tmp_path / f"out{seed}", seed)
               for seed in ("1", "2", "3")}
    assert len(digests) == 1


def test_user_errors_exit_nonzero_without_traceback(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "is not a case folder: it has no case.yml" in result.output
    assert "Traceback" not in result.output


def test_init_creates_a_valid_case_and_refuses_to_overwrite(runner: CliRunner,
                                                             tmp_path: Path) -> None:
    target = tmp_path / "new-case"
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert (target / "case.yml").is_file() and (target / ".gitignore").is_file()
    assert runner.invoke(cli, ["validate", str(target)]).exit_code == 0
    again = runner.invoke(cli, ["init", str(target)])
    assert again.exit_code == 1 and "already exists and is not empty" in again.output


def test_show_lists_targets_and_single_source_claims(runner: CliRunner, example: Path) -> None:
    result = runner.invoke(cli, ["show", str(example)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "National Security Committee of the Republic of Kazakhstan" in result.output
    assert "single source" in result.output
    assert "Kassym-Jomart Tokayev" not in result.output  # an addressee, not a target


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and f"dossier {command}" in result.output


def test_validate_and_show_speak_json(fictional: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(fictional), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["counts"]["people"] == 3
    broken = tmp_path / "broken"
    shutil.copytree(fictional, broken)
    (broken / "data" / "bad.yml").write_text("people:\n  - {id: x, names: [X], "
                                             "birth_date: 31.02.1980}\n", "utf-8")
    result = runner.invoke(cli, ["validate", str(broken), "--json"])
    problems = json.loads(result.output)["problems"]
    assert result.exit_code == 1 and problems[0]["file"] == "data/bad.yml"
    assert problems[0]["line"] == 2 and "birth_date" in problems[0]["field"]
    shown = json.loads(runner.invoke(cli, ["show", str(fictional), "--json"]).output)
    assert shown["case"]["id"] and len(shown["people"]) == 3


def test_dash_means_standard_input_and_output(fictional: Path) -> None:
    runner = CliRunner()
    exported = runner.invoke(cli, ["export", str(fictional), "--format", "ftm", "--out", "-"])
    assert exported.exit_code == 0
    lines = [json.loads(x) for x in exported.stdout.splitlines()]
    assert lines and all("schema" in e for e in lines)
    xref = runner.invoke(cli, ["xref", "-", "--json"], input=exported.stdout)
    assert xref.exit_code == 0 and "pairs" in json.loads(xref.stdout)
    folder = runner.invoke(cli, ["export", str(fictional), "--format", "opensanctions",
                                 "--out", "-"])
    assert folder.exit_code == 2 and "writes a folder" in folder.output
    judged = runner.invoke(cli, ["judgements", str(fictional), "--export", "-"])
    assert judged.exit_code == 0 and judged.stdout == ""  # none yet; the count on stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    plain = CliRunner().invoke(cli, ["validate", str(tmp_path / "none")])
    assert plain.exit_code == 1 and "Traceback" not in plain.output
    debug = CliRunner().invoke(cli, ["--debug", "validate", str(tmp_path / "none")])
    assert debug.exit_code == 1 and "Traceback" in debug.output
