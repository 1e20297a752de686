"""Every reference in every output resolves, also after identity resolution merged two
records, with proposals (Risk) and confirmed designations (Sanction) among the entities.

The bug this guards against: after ``dossier dedupe`` merged two people, the dataset held
``Risk`` entities pointing at the pre-merge id, which no longer existed.
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from followthemoney import model, registry
from screening_helpers import write_list

from dossier.cli import cli

AUDIENCES = ["public", "parliament", "government"]


@pytest.fixture(scope="module")
def merged_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """The fictional case with a second record of its official (merged automatically),
    the official made a target on public evidence, screened with a confirmed match;
    built for every audience, with the GEXF export beside each build."""
    import shutil

    from tests.conftest import FIXTURES

    root = tmp_path_factory.mktemp("merged")
    case = root / "case"
    shutil.copytree(FIXTURES / "fictional", case, ignore=shutil.ignore_patterns(".dossier"))
    incidents = case / "data" / "incidents.yml"
    incidents.write_text(incidents.read_text("utf-8").replace(
        "    evidence: [ev-secret]\n    status: draft\n",
        "    evidence: [ev-secret, ev-memo]\n    status: reviewed\n    reviewed_by: Tester\n"),
        "utf-8")  # reviewed: a draft never becomes a Risk proposal
    (case / "data" / "duplicate.yml").write_text("""\
people:
  - id: chief-again
    names: [{name: Серик Ойданов, lang: ru}]
    birth_date: 1968-03-02
    nationality: KZ
    gender: male
""", "utf-8")
    runner = CliRunner()
    env = {"DOSSIER_CACHE_DIR": str(root / "cache")}

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), env=env)
        assert result.exit_code == 0, (args, result.output)
        return result.output

    shown = run("dedupe", str(case))
    assert "1 automatic merge recorded; 0 pairs to review" in shown
    assert "(chief-again)" in shown and "(chief)" in shown  # the case's own record ids
    assert f"{case_prefix(case)}-" not in shown  # not the hashed FtM ids
    run("screen", str(case), "--against", str(write_list(root / "list.ftm.json")))
    run("screen", str(case), "--confirm", "chief=fic-1")
    outs = {}
    for audience in AUDIENCES:
        out = root / audience
        run("build", str(case), "--out", str(out), "--audience", audience,
            "--include-drafts")
        run("export", str(case), "--format", "gexf", "--out", str(out / "graph.gexf"),
            "--audience", audience, "--include-drafts")
        outs[audience] = out
    return case, outs


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def _references(entity: dict[str, Any]) -> list[str]:
    schema = model[entity["schema"]]
    out = []
    for prop, values in entity["properties"].items():
        if schema.properties[prop].type == registry.entity:
            out += [v if isinstance(v, str) else v["id"] for v in values]
    return out


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_reference_resolves_in_every_output(merged_case: tuple[Path, dict[str, Path]],
                                                  audience: str) -> None:
    out = merged_case[1][audience]
    for path in (out / "entities.ftm.json", out / "opensanctions" / "entities.ftm.json"):
        entities = _lines(path)
        ids = {e["id"] for e in entities}
        for entity in entities:
            assert set(_references(entity)) <= ids, (path.name, entity["schema"], entity["id"])
    dataset = {e["id"]: e for e in _lines(out / "opensanctions" / "entities.ftm.json")}
    for target in _lines(out / "opensanctions" / "targets.nested.json"):
        assert target["id"] in dataset
        for values in target["properties"].values():
            for value in values:
                if isinstance(value, dict):  # an inlined entity, and what it refers to
                    assert value["id"] in dataset
                    assert set(_references(value)) <= set(dataset), value["id"]
    with (out / "opensanctions" / "targets.simple.csv").open(encoding="utf-8") as fh:
        assert {row["id"] for row in csv.DictReader(fh)} <= set(dataset)
    with (out / "opensanctions" / "statements.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["value"] for r in rows if r["prop_type"] == "entity"} <= \
        {r["canonical_id"] for r in rows}
    for change in _lines(out / "opensanctions" / "delta.json"):
        if change["op"] != "DEL":
            assert change["entity"]["id"] in dataset
    graph = ET.parse(out / "graph.gexf").getroot()
    nodes = {n.get("id") for n in graph.iter() if n.tag.endswith("}node")}
    edges = [(e.get("source"), e.get("target")) for e in graph.iter()
             if e.tag.endswith("}edge")]
    assert edges and all(a in nodes and b in nodes for a, b in edges)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_proposals_and_designations_point_at_the_merged_entity(
        merged_case: tuple[Path, dict[str, Path]], audience: str) -> None:
    out = merged_case[1][audience]
    dataset = _lines(out / "opensanctions" / "entities.ftm.json")
    merged = [e for e in dataset if e["id"].startswith("NK-")]
    assert len(merged) == 1 and merged[0]["schema"] == "Person"
    chief = merged[0]["id"]
    risks = [e for e in dataset if e["schema"] == "Risk"]
    sanctions = [e for e in dataset if e["schema"] == "Sanction"]
    assert chief in {r["properties"]["entity"][0] for r in risks}
    assert {tuple(r["origin"]) for r in risks} == {("fictional_case:proposal",)}
    assert sanctions and {s["properties"]["entity"][0] for s in sanctions} == {chief}
    with (out / "opensanctions" / "targets.simple.csv").open(encoding="utf-8") as fh:
        rows = {row["id"]: row for row in csv.DictReader(fh)}
    assert "GLOMAG" in rows[chief]["sanctions"]
    names = (out / "opensanctions" / "names.txt").read_text("utf-8")
    assert "Серик Ойданов" in names  # the merged record's name is the target's too


def test_a_build_works_the_case_out_once(fictional: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """One view per build: the analysis, inference and source groups once, the case
    compiled once for its database and once for the audience (each source file hashed
    once), and the database opened by the build and by its FollowTheMoney job (which
    runs in a worker and reads when statements were first seen through its own
    connection)."""
    from collections import Counter
    from collections.abc import Callable

    import dossier.statements_job
    import entities.db.database
    import entities.ftm.compile
    import evidence_maps.view
    from dossier.build import build_case

    calls: Counter[str] = Counter()

    def counted(module: object, name: str, key: str | None = None) -> None:
        original: Callable[..., Any] = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[key or name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    for name in ("analyse", "infer", "source_groups", "run_checks", "compile_case"):
        counted(evidence_maps.view, name)
    counted(dossier.statements_job, "stream_case")
    counted(entities.ftm.compile, "file_digest", "sha1 of a source file")
    monkeypatch.setattr(entities.ftm.compile, "_SHA1", {})
    original_init = entities.db.database.CaseDatabase.__init__

    def opened(self: Any, url: str) -> None:
        calls["database opened"] += 1
        original_init(self, url)

    monkeypatch.setattr(entities.db.database.CaseDatabase, "__init__", opened)
    build_case(fictional, tmp_path / "out", "government", workers=1)
    assert calls == {"analyse": 1, "infer": 1, "source_groups": 1, "run_checks": 1,
                     "compile_case": 1, "stream_case": 1, "sha1 of a source file": 1,
                     "database opened": 2}


def case_prefix(case: Path) -> str:
    from entities.case.loader import load_case

    return load_case(case).meta.id_prefix
