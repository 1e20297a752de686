"""The dataset folder and the yente client through yente's own code (yente 5.5 in an
environment of its own, see ``tests/yente_env.py``): a yente server — its FastAPI app,
manifest and catalog loading, indexer, delta updates, ``/match`` router and logic-v2
scoring, on an in-memory search backend instead of Elasticsearch — is pointed at a built
case's folder served over HTTP, beside a fictional sanctions list; then our client screens
fictional people against it."""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from followthemoney import model

from dossier.build import build_case
from entities.screening.yente import YenteClient
from tests.conftest import FIXTURES
from tests.yente_env import HARNESS, yente_python

pytestmark = pytest.mark.slow

#: a fictional sanctions list: a sanctioned person (with a Sanction), a company only
#: linked to sanctions (topic sanction.linked, no Sanction), a PEP (no Sanction)
FICTIONAL_LIST = [
    {"id": "fict-p1", "schema": "Person", "properties": {
        "name": ["Bakhyt Fictionalov"], "birthDate": ["1970-05-05"], "country": ["kz"],
        "topics": ["sanction"]}},
    {"id": "fict-s1", "schema": "Sanction", "properties": {
        "entity": ["fict-p1"], "authority": ["Fictional Treasury"],
        "program": ["Fictional Human Rights Programme"], "country": ["us"],
        "startDate": ["2021-03-01"]}},
    {"id": "fict-c1", "schema": "Company", "properties": {
        "name": ["Fictional Trading LLP"], "jurisdiction": ["kz"],
        "topics": ["sanction.linked"]}},
    {"id": "fict-p2", "schema": "Person", "properties": {
        "name": ["Aigul Pepova"], "birthDate": ["1975-01-02"], "topics": ["role.pep"]}},
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP, and its address."""
    root = tmp_path_factory.mktemp("site")
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def yente(site: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[dict[str, Any]]:
    """A yente server on our folder (built with --base-url at the served address) and the
    fictional list, with what it needed."""
    python = yente_python()
    root, url = site
    case = tmp_path_factory.mktemp("case") / "legal"
    shutil.copytree(FIXTURES / "legal", case, ignore=shutil.ignore_patterns(".dossier"))
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    try:
        build_case(case, root / "out", "public", base_url=url + "out/opensanctions/")
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    listed = root / "list"
    listed.mkdir()
    (listed / "entities.ftm.json").write_text(
        "".join(json.dumps(e) + "\n" for e in FICTIONAL_LIST), "utf-8")
    ours = json.loads((root / "out" / "opensanctions" / "yente-manifest.json").read_text())
    manifest = {"catalogs": ours["catalogs"], "datasets": [
        {"name": "fictional_list", "title": "A fictional sanctions list",
         "version": "20260101000000-aaaa", "entities_url": url + "list/entities.ftm.json"},
        {"name": "sanctions", "title": "Sanctions", "children": ["fictional_list"]}]}
    (root / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    port = _free_port()
    log = root / "yente.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(python), str(HARNESS / "serve.py"), "--port", str(port),
             "--manifest", str(root / "manifest.json"),
             "--data", str(tmp_path_factory.mktemp("yente-data"))],
            stdout=out, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                pytest.fail(f"yente stopped: {log.read_text('utf-8')[-3000:]}")
            try:
                if httpx.get(address + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"yente did not start: {log.read_text('utf-8')[-3000:]}")
            time.sleep(0.5)
        yield {"url": address, "case": case, "root": root, "base": url}
    finally:
        process.terminate()
        process.wait(timeout=30)


def _state(yente: dict[str, Any]) -> dict[str, Any]:
    response = httpx.get(yente["url"] + "/_harness/state", timeout=30)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


def _ours(root: Path) -> dict[str, dict[str, Any]]:
    text = (root / "out" / "opensanctions" / "entities.ftm.json").read_text("utf-8")
    return {e["id"]: e for e in map(json.loads, text.splitlines())}


def _indexed(state: dict[str, Any], dataset: str) -> dict[str, dict[str, Any]]:
    (index,) = [i for i in state["documents"] if f"-{dataset}-" in i]
    found: dict[str, dict[str, Any]] = state["documents"][index]
    return found


def test_yente_loads_the_catalog_and_indexes_every_entity_with_our_targets(
        yente: dict[str, Any]) -> None:
    state = _state(yente)
    index = json.loads((yente["root"] / "out" / "opensanctions" / "index.json").read_text())
    loaded = state["catalog"]["legal_case"]
    assert loaded["version"] == index["version"]  # the version yente indexes by
    assert loaded["entities_url"] == yente["base"] + "out/opensanctions/entities.ftm.json"
    assert loaded["load"] is True
    indexed, ours = _indexed(state, "legal_case"), _ours(yente["root"])
    assert set(indexed) == set(ours)  # the checksum held and every line was read
    # yente's own Entity.target (risk topics) says what our "target" field says
    assert {i: d["target"] for i, d in indexed.items()} == \
        {i: e["target"] for i, e in ours.items()}
    targets = {d["caption"] for d in indexed.values() if d["target"]}
    assert "Yerzhan Kulakov" in targets and "Nurlan Chernovikov" not in targets


def test_a_changed_case_reaches_yente_as_a_delta(yente: dict[str, Any]) -> None:
    case, root = yente["case"], yente["root"]
    data = case / "data" / "case.yml"
    data.write_text(data.read_text("utf-8").replace(
        "names: [Yerzhan Kulakov]", "names: [Yerzhan Kulakov, Erzhan Kulakoff]", 1), "utf-8")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000600"
    try:
        build_case(case, root / "out", "public", base_url=yente["base"] + "out/opensanctions/")
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    before = len(_state(yente)["log"])
    response = httpx.post(yente["url"] + "/_harness/update", timeout=120)
    response.raise_for_status()
    state = response.json()
    steps = [step[0] for step in state["log"][before:]]
    assert steps[:1] == ["clone"], state["log"][before:]  # incremental, not a reload
    indexed, ours = _indexed(state, "legal_case"), _ours(root)
    assert set(indexed) == set(ours)
    kulakov = next(i for i, e in ours.items() if "Erzhan Kulakoff" in
                   e["properties"].get("name", []))
    entity = httpx.get(f"{yente['url']}/entities/{kulakov}", timeout=30).json()
    assert "Erzhan Kulakoff" in entity["properties"]["name"]


def _person(name: str, birth: str) -> Any:
    entity = model.make_entity("Person")
    entity.id = name.lower().replace(" ", "-")
    entity.add("name", name)
    entity.add("birthDate", birth)
    return entity


def test_our_client_reports_only_sanctions_as_designations(yente: dict[str, Any]) -> None:
    company = model.make_entity("Company")
    company.id = "q-company"
    company.add("name", "Fictional Trading LLP")
    company.add("jurisdiction", "kz")
    queries = {"sanctioned": _person("Bakhyt Fictionalov", "1970-05-05"),
               "linked": company, "pep": _person("Aigul Pepova", "1975-01-02")}
    with YenteClient(yente["url"]) as client:
        assert client.source_datasets() == ["fictional_list"]  # the collection, expanded
        found = client.match(queries, threshold=0.7)
        (sanctioned,) = found["sanctioned"]
        assert sanctioned.id == "fict-p1" and sanctioned.score >= 0.7
        assert [d.authority for d in sanctioned.sanctions] == ["Fictional Treasury"]
        assert any(a.startswith("names agree") for a in sanctioned.agreed)  # yente says why
        assert "birth date agrees (1970-05-05)" in sanctioned.agreed
        (linked,) = found["linked"]
        assert linked.id == "fict-c1" and linked.sanctions == [] and not linked.designated
        assert linked.topics == ["sanction.linked"]
        (pep,) = found["pep"]
        assert pep.sanctions == [] and not pep.designated and pep.topics == ["role.pep"]
        again = client.match({"sanctioned": queries["sanctioned"]}, threshold=0.7,
                             exclude={"sanctioned": ["fict-p1"]})
        assert again["sanctioned"] == []  # a rejected match is not offered again
