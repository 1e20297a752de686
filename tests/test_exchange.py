"""The OpenSanctions dataset folder, read through the upstream code: ``index.json`` as a
followthemoney ``Dataset``, ``catalog.json`` as a followthemoney ``DataCatalog`` (the
class yente's catalog extends) with the entities resource found by MIME type as the
manifest's ``resource_type`` makes yente find it; ``target`` by the risk topics, as zavod
and yente derive it; the simple CSV, names and statements as upstream writes them."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from followthemoney.dataset import DataCatalog, Dataset
from followthemoney.types import registry

from dossier.build import build_case
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exchange")
    case = root / "legal"
    shutil.copytree(FIXTURES / "legal", case, ignore=shutil.ignore_patterns(".dossier"))
    out = root / "out"
    build_case(case, out, "government", base_url="https://ngo.example.org/data/")
    return out / "opensanctions"


def _lines(folder: Path) -> list[dict]:
    return [json.loads(line) for line in
            (folder / "entities.ftm.json").read_text("utf-8").splitlines()]


def test_index_and_catalog_load_in_followthemoney(published: Path) -> None:
    index = json.loads((published / "index.json").read_text("utf-8"))
    dataset = Dataset.make(index)
    assert dataset.name == "legal_case" and dataset.model.version
    assert dataset.model.last_export is not None
    for resource in dataset.model.resources:
        assert str(resource.url).startswith("https://ngo.example.org/data/")
        body = (published / resource.name).read_bytes()
        assert resource.checksum == hashlib.sha1(body).hexdigest()
        assert resource.size == len(body)
    assert dataset.model.coverage is not None and "kz" in dataset.model.coverage.countries
    catalog = DataCatalog(Dataset, json.loads((published / "catalog.json").read_text("utf-8")))
    loaded = catalog.require("legal_case")
    manifest = json.loads((published / "yente-manifest.json").read_text("utf-8"))
    assert yaml.safe_load((published / "yente-manifest.json").read_text("utf-8")) == manifest
    (entry,) = manifest["catalogs"]
    assert entry["url"] == "https://ngo.example.org/data/catalog.json"
    assert entry["scope"] == "legal_case"
    chosen = [r for r in loaded.model.resources if r.mime_type == entry["resource_type"]]
    assert [r.name for r in chosen] == ["entities.ftm.json"]
    deltas = json.loads((published / "delta-index.json").read_text("utf-8"))
    assert deltas["versions"] == {
        index["version"]: f"https://ngo.example.org/data/delta/{index['version']}.json"}


def test_target_means_what_upstream_means(published: Path) -> None:
    lines = _lines(published)
    for entity in lines:
        topics = set(entity["properties"].get("topics", []))
        assert entity["target"] == bool(topics & registry.topic.RISKS), entity["id"]
        assert "sanction" not in topics or entity["schema"] != "Person" or \
            entity["target"]  # only a designation earns sanction
    names = {n for e in lines if e["target"] for n in e["properties"].get("name", [])}
    assert "Yerzhan Kulakov" in names          # a reviewed attribution: poi
    assert "Nurlan Chernovikov" not in names   # drafts only: not a target
    rows = list(csv.reader(io.StringIO((published / "targets.simple.csv").read_text("utf-8"))))
    assert {r[0] for r in rows[1:]} == {e["id"] for e in lines if e["target"]}
    nested = [json.loads(x) for x in
              (published / "targets.nested.json").read_text("utf-8").splitlines()]
    assert {e["id"] for e in nested} == {e["id"] for e in lines if e["target"]}


def test_names_statements_and_cells_as_upstream(published: Path) -> None:
    lines = _lines(published)
    names = (published / "names.txt").read_text("utf-8").splitlines()
    assert len({n.lower() for n in names}) == len(names)
    every = {n for e in lines for n in e["properties"].get("name", []) if len(n) > 3}
    assert {n.lower() for n in every} <= {n.lower() for n in names}
    statements = list(csv.DictReader(io.StringIO(
        (published / "statements.csv").read_text("utf-8"))))
    assert statements and not [s for s in statements if s["prop"] == "id"]
    from exports.opensanctions.artefacts import cell_values

    assert cell_values(["b", "a;c"]) == '"a;c";b'  # sorted; a value holding ; is quoted


def test_an_unchanged_case_republishes_byte_for_byte(tmp_path: Path) -> None:
    case = tmp_path / "legal"
    shutil.copytree(FIXTURES / "legal", case, ignore=shutil.ignore_patterns(".dossier"))
    out = tmp_path / "out"
    build_case(case, out, "public")
    folder = out / "opensanctions"
    first = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
             if p.is_file()}
    build_case(case, out, "public")
    again = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
             if p.is_file()}
    assert first == again
    assert json.loads(first["index.json"])["resources"][0]["url"].startswith(
        "http://localhost:8080/")  # the documented local default


def test_times_are_first_sightings_kept_in_the_case_database(tmp_path: Path) -> None:
    import time

    case = tmp_path / "legal"
    shutil.copytree(FIXTURES / "legal", case, ignore=shutil.ignore_patterns(".dossier"))
    out = tmp_path / "out"
    build_case(case, out, "public")
    first = {e["id"]: e for e in _lines(out / "opensanctions")}
    index = json.loads((out / "opensanctions" / "index.json").read_text("utf-8"))
    assert all(e["first_seen"] and e["last_change"] for e in first.values())
    time.sleep(1.1)
    data = case / "data" / "case.yml"
    data.write_text(data.read_text("utf-8").replace(
        "{id: p-thug, names: [Yerzhan Kulakov], birth_date: 1985",
        "{id: p-thug, names: [Yerzhan Kulakov], birth_date: 1985-02", 1), "utf-8")
    build_case(case, out, "public")
    again = {e["id"]: e for e in _lines(out / "opensanctions")}
    later = json.loads((out / "opensanctions" / "index.json").read_text("utf-8"))
    changed = [i for i in again if again[i]["last_change"] != first.get(i, {}).get(
        "last_change")]
    kulakov = next(i for i, e in again.items() if "Yerzhan Kulakov" in e["caption"])
    assert kulakov in changed
    assert again[kulakov]["first_seen"] == first[kulakov]["first_seen"]  # seen before
    assert len(changed) < len(again) / 2  # the rest keep their times
    assert later["version"] > index["version"] and later["last_change"] > index["last_change"]


def test_the_folder_keeps_its_deltas_rewritten_to_what_is_published_now(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Three builds: delta-index lists the three versions; applying the deltas after the
    first version to the first build's entities gives the third build's; an entity
    withdrawn since is deleted in every kept delta, never served again."""
    case = tmp_path / "legal"
    shutil.copytree(FIXTURES / "legal", case, ignore=shutil.ignore_patterns(".dossier"))
    out = tmp_path / "out"
    folder = out / "opensanctions"
    data = case / "data" / "case.yml"
    states, versions = [], []
    for step in range(3):
        if step:
            text = data.read_text("utf-8")
            old = "names: [Yerzhan Kulakov]"
            new = f"names: [Yerzhan Kulakov, Yerzhan Kulakov-{step}]"
            data.write_text(text.replace(old if step == 1 else
                                         "names: [Yerzhan Kulakov, Yerzhan Kulakov-1]",
                                         new, 1), "utf-8")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_700_000_000 + step * 100))
        build_case(case, out, "public")
        states.append({e["id"]: e for e in _lines(folder)})
        versions.append(json.loads((folder / "index.json").read_text("utf-8"))["version"])
    listed = json.loads((folder / "delta-index.json").read_text("utf-8"))["versions"]
    assert sorted(listed) == versions == sorted(versions)
    assert sorted(p.name for p in (folder / "delta").iterdir()) == \
        [f"{v}.json" for v in versions]
    replay = dict(states[0])
    for version in versions[1:]:
        for line in (folder / "delta" / f"{version}.json").read_text("utf-8").splitlines():
            op = json.loads(line)
            if op["op"] == "DEL":
                replay.pop(op["entity"]["id"], None)
            else:
                replay[op["entity"]["id"]] = op["entity"]
    assert replay == states[2]
    every = "".join((folder / "delta" / f"{v}.json").read_text("utf-8") for v in versions)
    assert "Kulakov-1" not in every  # the first edit's name, since replaced, is gone
    assert "Kulakov-2" in every


def test_a_change_always_gets_a_later_version(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """yente indexes a version only if it sorts after the one it holds: a change stamped
    earlier (a clock set back, an older SOURCE_DATE_EPOCH) still gets a later version, and
    an unchanged case keeps its own."""
    case = tmp_path / "legal"
    shutil.copytree(FIXTURES / "legal", case, ignore=shutil.ignore_patterns(".dossier"))
    out = tmp_path / "out"
    folder = out / "opensanctions"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000600")
    build_case(case, out, "public")
    first = json.loads((folder / "index.json").read_text("utf-8"))["version"]
    build_case(case, out, "public")
    assert json.loads((folder / "index.json").read_text("utf-8"))["version"] == first
    data = case / "data" / "case.yml"
    data.write_text(data.read_text("utf-8").replace(
        "names: [Yerzhan Kulakov]", "names: [Yerzhan Kulakov, Erzhan Kulakoff]", 1), "utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")  # the clock went back
    build_case(case, out, "public")
    second = json.loads((folder / "index.json").read_text("utf-8"))["version"]
    assert second > first
    listed = json.loads((folder / "delta-index.json").read_text("utf-8"))["versions"]
    assert sorted(listed) == [first, second]
