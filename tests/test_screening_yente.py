"""The yente client, against a fake server (httpx's MockTransport): request shape,
designations (nested or fetched), datasets, errors, and what is never sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from dossier.screen import screen
from entities.exc import RemoteError
from entities.screening.yente import YenteClient


def _result(entity_id: str, name: str, score: float, nested: bool) -> dict[str, Any]:
    props: dict[str, Any] = {"name": [name], "birthDate": ["1968-03-02"], "topics": ["sanction"]}
    if nested:
        props["sanctions"] = [{"id": f"{entity_id}-s", "schema": "Sanction",
                               "datasets": ["gb_hmt_sanctions"],
                               "properties": {"authority": ["HM Treasury"],
                                              "program": ["Global Human Rights"],
                                              "country": ["gb"],
                                              "listingDate": ["2022-03-01"]}}]
    return {"id": entity_id, "caption": name, "schema": "Person", "score": score,
            "match": score >= 0.7, "datasets": ["gb_hmt_sanctions", "us_ofac_sdn"],
            "properties": props,
            "explanations": {"name_match": {"score": score, "detail": "'serik'≈'serik'"}}}


class FakeYente:
    def __init__(self, fail: bool = False):
        self.fail = fail
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail:
            return httpx.Response(503, text="index is being rebuilt")
        path = request.url.path
        if path == "/catalog":
            return httpx.Response(200, json={"datasets": [
                {"name": "sanctions", "children": ["gb_hmt_sanctions", "us_ofac_sdn"]},
                {"name": "gb_hmt_sanctions"}, {"name": "us_ofac_sdn"}]})
        if path.startswith("/match/"):
            body = json.loads(request.content)
            responses = {}
            for key, query in body["queries"].items():
                found = []
                if any("Oydanov" in n or "Ойданов" in n for n in query["properties"]["name"]):
                    found = [_result("NK-1", "Serik OIDANOV", 0.93, nested=True),
                             _result("NK-2", "Serik OIDANOV-TWO", 0.75, nested=False),
                             _result("NK-3", "Serik Other", 0.4, nested=True)]
                responses[key] = {"status": 200, "results": found, "query": query}
            return httpx.Response(200, json={"responses": responses})
        if path == "/entities/NK-2":
            return httpx.Response(200, json={"id": "NK-2", "properties": {"sanctions": [
                {"id": "s2", "properties": {"authority": ["Office of Foreign Assets Control"],
                                            "program": ["GLOMAG"], "country": ["us"]}}]}})
        return httpx.Response(404, json={"detail": "not found"})


def _client(fake: FakeYente) -> YenteClient:
    return YenteClient("http://yente.test", "sanctions", transport=httpx.MockTransport(fake))


def _chief_on_public_evidence(case: Path) -> None:
    """Make the official a target on public evidence too (in the fixture only a
    confidential interview makes him one)."""
    path = case / "data" / "incidents.yml"
    text = path.read_text("utf-8")
    assert "    evidence: [ev-secret]\n" in text
    path.write_text(text.replace("    evidence: [ev-secret]\n",
                                 "    evidence: [ev-secret, ev-memo]\n"), "utf-8")


def test_remote_screening_of_a_case(fictional: Path, tmp_path: Path) -> None:
    _chief_on_public_evidence(fictional)
    fake = FakeYente()
    report = screen(fictional, [], client=_client(fake))
    matches = report.matches("chief")
    assert [(m.id, m.score) for m in matches] == [("NK-1", 0.93), ("NK-2", 0.75)]
    assert [(d.country, d.program) for d in matches[0].sanctions] == [
        ("gb", "Global Human Rights")]
    assert [(d.country, d.program) for d in matches[1].sanctions] == [("us", "GLOMAG")]
    assert "birth date agrees (1968-03-02)" in matches[0].agreed
    match_calls = [r for r in fake.requests if r.url.path == "/match/sanctions"]
    params = match_calls[0].url.params if match_calls else {}
    assert params["algorithm"] == "best" and params["limit"] == "10"  # yente's default; > 5
    sent = json.dumps([json.loads(r.content) for r in match_calls], ensure_ascii=False)
    assert "Quiet Witness" not in sent and "Aru Testova" not in sent
    run = report.lists[0].run
    assert run.mode == "yente" and run.countries == ["gb", "us"]
    assert report.gaps is not None
    statuses = {j.code: j.status for j in report.gaps.targets["chief"].jurisdictions}
    assert statuses == {"us": "designated", "gb": "designated", "eu": "not_screened",
                        "ca": "not_screened", "au": "not_screened"}


def test_targets_known_only_from_confidential_evidence_are_not_sent(fictional: Path) -> None:
    fake = FakeYente()
    report = screen(fictional, [], client=_client(fake))
    sent = " ".join(r.content.decode() for r in fake.requests if r.method == "POST")
    assert "Oydanov" not in sent and "Directorate of Examples" in sent
    assert [t.id for t in report.skipped] == ["chief"]


def test_confidential_targets_are_not_sent(fictional: Path) -> None:
    _chief_on_public_evidence(fictional)
    actors = fictional / "data" / "actors.yml"
    text = actors.read_text("utf-8").replace(
        "    evidence: [ev-memo]\n  - id: victim",
        "    evidence: [ev-memo]\n    sensitivity: confidential\n  - id: victim", 1)
    actors.write_text(text, "utf-8")
    fake = FakeYente()
    report = screen(fictional, [], client=_client(fake))
    sent = " ".join(r.content.decode() for r in fake.requests if r.method == "POST")
    assert "Oydanov" not in sent and "\\u041e\\u0439" not in sent
    assert [t.id for t in report.skipped] == ["chief"]
    fake = FakeYente()
    report = screen(fictional, [], client=_client(fake), send_confidential=True)
    assert report.matches("chief")


def test_server_errors_become_remote_errors(fictional: Path) -> None:
    with pytest.raises(RemoteError, match="answered 503"):
        screen(fictional, [], client=_client(FakeYente(fail=True)))


def test_unreachable_server(fictional: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = YenteClient("http://yente.test", transport=httpx.MockTransport(refuse))
    with pytest.raises(RemoteError, match="cannot reach the yente server"):
        screen(fictional, [], client=client)


def _linked(entity_id: str, topics: list[str]) -> dict[str, Any]:
    """A result with no Sanction entity: a company linked to a sanctioned one, or a PEP."""
    return {"id": entity_id, "caption": "Fiktiv Holdings", "schema": "Company",
            "score": 0.91, "match": True, "datasets": ["us_ofac_sdn"],
            "properties": {"name": ["Fiktiv Holdings"], "topics": topics},
            "explanations": {"name_match": {"score": 0.91, "detail": None,
                                            "query": "fiktiv holdings",
                                            "candidate": "fiktiv holdings ltd"}}}


def test_a_result_without_a_sanction_is_no_designation() -> None:
    """A sanction-linked company in the OFAC dataset, a PEP: never "designated" by the
    name of the dataset they come from; their topics say what they are."""
    from followthemoney import model

    def fake(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/match/"):
            body = json.loads(request.content)
            key = next(iter(body["queries"]))
            return httpx.Response(200, json={"responses": {key: {"results": [
                _linked("L-1", ["sanction.linked"]), _linked("P-1", ["role.pep"]),
                {**_linked("X-1", ["sanction"]), "match": False, "score": 0.95}]}}})
        return httpx.Response(200, json={"id": "L-1", "properties": {}})

    client = YenteClient("http://yente.test", transport=httpx.MockTransport(fake))
    query = model.make_entity("Company")
    query.add("name", "Fiktiv Holdings")
    matches = client.match({"q": query}, 0.7)["q"]
    assert [m.id for m in matches] == ["L-1", "P-1"]  # yente said match: false
    assert all(not m.sanctions and not m.designated for m in matches)
    assert matches[0].topics == ["sanction.linked"] and matches[1].topics == ["role.pep"]
    assert any("fiktiv holdings≈fiktiv holdings ltd" in a for a in matches[0].agreed)


def test_rejected_matches_are_excluded_and_sent_alone() -> None:
    from followthemoney import model

    seen: list[httpx.Request] = []

    def fake(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = json.loads(request.content)
        return httpx.Response(200, json={"responses": {k: {"results": []}
                                                       for k in body["queries"]}})

    client = YenteClient("http://yente.test", transport=httpx.MockTransport(fake))
    queries = {}
    for key in ("a", "b", "c"):
        entity = model.make_entity("Person")
        entity.add("name", f"Fiktiv {key}")
        queries[key] = entity
    client.match(queries, 0.7, exclude={"b": ["NK-9", "NK-10"]})
    sent = [(sorted(json.loads(r.content)["queries"]),
             r.url.params.get_list("exclude_entity_ids")) for r in seen]
    assert sent == [(["a", "c"], []), (["b"], ["NK-9", "NK-10"])]
