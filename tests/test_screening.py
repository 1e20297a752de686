"""Screening: list indexes, matching, stored results, the gap analysis, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from screening_helpers import fictional_list, write_list

from dossier.cli import cli
from entities.exc import InvalidInput
from entities.screening.cache import open_index
from entities.screening.keys import deletions, identifier_key, name_keys
from entities.screening.match import query_entity, screen_entity


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def listfile(tmp_path: Path) -> Path:
    return write_list(tmp_path / "fictional_list.ftm.json")


def test_keys_fold_scripts_and_transliterations() -> None:
    assert name_keys("Серик Ойданов") == name_keys("Serik Oidanov") == name_keys("Serik Oydanov")
    assert name_keys("Мұхаммед") == name_keys("Mukhammed")
    assert ("s:muhamad", "c:mhmd") in name_keys("Muhammad")
    assert "c:mhmd" in name_keys("Mohamed")[0]
    assert name_keys("Хасенов")[0][0] == "s:hasenov" != name_keys("Касенов")[0][0]
    assert "s:oidanv" in deletions("s:oidanov")
    assert deletions("s:ali") == {"s:ali"}
    assert identifier_key("n-000 0001") == "i:N0000001"
    assert identifier_key("12") is None


def test_index_is_built_once_and_rebuilt_when_the_list_changes(listfile: Path,
                                                              _cache: Path) -> None:
    first = open_index(listfile)
    first.index.close()
    second = open_index(listfile)
    second.index.close()
    assert first.built and not second.built
    assert first.sha256 == second.sha256
    assert second.index.meta["records"] == 6 and second.index.meta["sanctions"] == 5
    assert second.index.meta["sanction_countries"] == {"ca": 1, "eu": 1, "gb": 1, "us": 2}
    write_list(listfile, fictional_list()[:3])
    third = open_index(listfile)
    third.index.close()
    assert third.built and third.sha256 != first.sha256
    assert len(list((_cache / "screening").iterdir())) == 2


def test_cyrillic_query_finds_latin_listing_with_its_designations(listfile: Path) -> None:
    with open_index(listfile).index as index:
        query = query_entity("Person", {"name": ["Серик Ойданов"], "birthDate": ["1968-03-02"],
                                        "nationality": ["kz"]})
        matches = screen_entity(index, query)
        assert [m.id for m in matches] == ["fic-1"]
        match = matches[0]
        assert match.score >= 0.9
        assert "birth date agrees (1968-03-02)" in match.agreed
        assert "nationality or country agrees (kz)" in match.agreed
        assert {(d.country, d.program, d.listing_date) for d in match.sanctions} == {
            ("us", "GLOMAG", "2021-12-10"), ("gb", "Global Human Rights", "2022-03-01")}


def test_namesake_conflicts_are_explained(listfile: Path) -> None:
    with open_index(listfile).index as index:
        query = query_entity("Person", {"name": ["Serik Oydanov"], "birthDate": ["1968-03-02"],
                                        "nationality": ["kz"]})
        matches = {m.id: m for m in screen_entity(index, query, threshold=0.3)}
        assert "fic-2" in matches
        assert matches["fic-2"].score < matches["fic-1"].score
        assert any(c.startswith("birth dates differ") for c in matches["fic-2"].conflicts)
        assert any(c.startswith("countries differ") for c in matches["fic-2"].conflicts)


def test_organisation_query_does_not_match_a_person(listfile: Path) -> None:
    with open_index(listfile).index as index:
        org = query_entity("PublicBody", {"name": ["Directorate of Examples"]})
        assert screen_entity(index, org, threshold=0.1) == []
        person = query_entity("Person", {"name": ["Directorate of Examples"]})
        assert [m.id for m in screen_entity(index, person)] == ["fic-3"]


def test_people_not_on_the_list_find_nothing(listfile: Path) -> None:
    with open_index(listfile).index as index:
        for name in ("Айгерим Тестова", "Bolat Nobodyev", "Marat Zhumabekov"):
            assert screen_entity(index, query_entity("Person", {"name": [name]})) == []


def test_identifier_finds_a_listing_under_another_name(listfile: Path) -> None:
    with open_index(listfile).index as index:
        query = query_entity("Person", {"name": ["Completely Different"],
                                        "passportNumber": ["N0000001"]})
        candidates = index.candidates("Person", ["Completely Different"], ["N0000001"])
        assert index.record(candidates[0])["id"] == "fic-1"
        matches = screen_entity(index, query, threshold=0.5)
        assert [m.id for m in matches] == ["fic-1"]
        assert "identifier agrees (N0000001)" in matches[0].agreed


def test_broken_list_lines_are_reported_by_line(tmp_path: Path) -> None:
    path = write_list(tmp_path / "broken.ftm.json")
    lines = path.read_text("utf-8").splitlines()
    lines[2] = '{"id": "x", "schema": "Spaceship", "properties": {}}'
    lines[4] = "not json"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(InvalidInput) as err:
        open_index(path)
    assert [str(p) for p in err.value.problems] == [
        "broken.ftm.json:3: schema: 'Spaceship' is not a FollowTheMoney schema",
        "broken.ftm.json:5: is not valid JSON (one FtM entity per line expected)"]
    assert not (tmp_path / "cache" / "screening").exists() or not any(
        (tmp_path / "cache" / "screening").iterdir())


def test_a_list_without_designations_or_entries_works(tmp_path: Path) -> None:
    people = [e for e in fictional_list() if e.schema.name == "Person"]
    path = write_list(tmp_path / "plain.ftm.json", people)
    with open_index(path).index as index:
        matches = screen_entity(index, query_entity("Person", {"name": ["Serik Oidanov"]}))
        assert matches and matches[0].sanctions == []
    empty = write_list(tmp_path / "empty.ftm.json", [])
    with open_index(empty).index as index:
        assert screen_entity(index, query_entity("Person", {"name": ["Serik"]})) == []


# --- the command ----------------------------------------------------------------------
def _screen(runner: CliRunner, *args: str) -> dict:
    result = runner.invoke(cli, ["screen", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cli_json_and_gap_analysis(runner: CliRunner, fictional: Path, listfile: Path) -> None:
    data = _screen(runner, str(fictional), "--against", str(listfile), "--audience",
                   "government")
    assert data["threshold"] == 0.7
    results = {r["target"]: r for r in data["results"]}
    assert set(results) == {"chief", "directorate"}
    chief = results["chief"]
    assert chief["name"] == "Serik Oydanov"
    assert [m["id"] for m in chief["matches"]] == ["fic-1"]
    assert {(s["authority"], s["program"], s["country"]) for s in
            chief["matches"][0]["sanctions"]} == {
        ("Office of Foreign Assets Control", "GLOMAG", "us"),
        ("HM Treasury", "Global Human Rights", "gb")}
    assert {k: v["status"] for k, v in chief["gaps"].items()} == {
        "us": "designated", "gb": "designated", "eu": "not_found", "ca": "not_found",
        "au": "not_screened"}
    assert results["directorate"]["matches"] == []
    assert data["summary"]["us"] == {"designated": 1, "not_found": 1, "not_screened": 0}
    assert data["summary"]["au"] == {"designated": 0, "not_found": 0, "not_screened": 2}


def test_the_report_holds_only_the_audiences_targets(runner: CliRunner, fictional: Path,
                                                    listfile: Path) -> None:
    # chief is a target only through a draft resting on confidential evidence: screened
    # and stored, but not listed for the public (REDTEAM defect 5)
    public = _screen(runner, str(fictional), "--against", str(listfile))
    assert {r["target"] for r in public["results"]} == {"directorate"}
    assert public["summary"]["us"] == {"designated": 0, "not_found": 1, "not_screened": 0}
    assert "chief" not in json.dumps(public)
    government = _screen(runner, str(fictional), "--against", str(listfile), "--audience",
                         "government")
    assert {r["target"] for r in government["results"]} == {"chief", "directorate"}


def test_matches_sorted_and_thresholded(runner: CliRunner, fictional: Path,
                                        listfile: Path) -> None:
    data = _screen(runner, str(fictional), "--against", str(listfile), "--threshold", "0.3",
                   "--audience", "government")
    chief = next(r for r in data["results"] if r["target"] == "chief")
    scores = [m["score"] for m in chief["matches"]]
    assert scores == sorted(scores, reverse=True) and min(scores) >= 0.3
    assert [m["id"] for m in chief["matches"]][:2] == ["fic-1", "fic-2"]


def test_reject_and_confirm_change_the_gap(runner: CliRunner, fictional: Path,
                                           listfile: Path) -> None:
    data = _screen(runner, str(fictional), "--against", str(listfile), "--threshold", "0.3",
                   "--audience", "government")
    chief = next(r for r in data["results"] if r["target"] == "chief")
    assert chief["gaps"]["ca"]["status"] == "designated"  # the namesake, below 0.7
    result = runner.invoke(cli, ["screen", str(fictional), "--reject", "chief=fic-2",
                                 "--confirm", "chief=fic-1", "--user", "tester"])
    assert result.exit_code == 0, result.output
    assert "rejected: chief = fic-2" in result.output
    data = _screen(runner, str(fictional), "--against", str(listfile), "--threshold", "0.3",
                   "--audience", "government")
    chief = next(r for r in data["results"] if r["target"] == "chief")
    assert chief["gaps"]["ca"]["status"] == "not_found"
    bad = runner.invoke(cli, ["screen", str(fictional), "--reject", "chief=nobody"])
    assert bad.exit_code == 1
    assert "no stored screening match" in bad.output


def test_screen_a_bare_file_of_targets(runner: CliRunner, tmp_path: Path,
                                       listfile: Path) -> None:
    from screening_helpers import _entity

    targets = write_list(tmp_path / "targets.ftm.json", [
        _entity("Person", "t1", name=["Серик Ойданов"], birthDate=["1968-03-02"]),
        _entity("Person", "t2", name=["Nobody Atall"]),
        _entity("Address", "a1", full=["Exampletown"])])
    data = _screen(runner, str(targets), "--against", str(listfile))
    assert [(r["target"], [m["id"] for m in r["matches"]]) for r in data["results"]] == [
        ("t1", ["fic-1"]), ("t2", [])]
    assert "summary" not in data


def test_cli_errors_are_messages(runner: CliRunner, fictional: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["screen", str(fictional), "--against",
                                 str(tmp_path / "missing.ftm.json")])
    assert result.exit_code == 1
    assert "missing.ftm.json: file not found" in result.output
    result = runner.invoke(cli, ["screen", str(fictional)])
    assert result.exit_code == 2 and "--against" in result.output
    assert "Traceback" not in result.output


def test_build_shows_designations_in_pdf_and_workbook(runner: CliRunner, fictional: Path,
                                                      listfile: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    _screen(runner, str(fictional), "--against", str(listfile))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(fictional), "--out", str(out), "--audience",
                                 "government"])
    assert result.exit_code == 0, result.output
    pdfs = sorted((out / "dossiers").glob("*.pdf"))
    texts = {p.name: "\n".join(page.extract_text() for page in PdfReader(p).pages)
             for p in pdfs}
    chief = next(text for text in texts.values() if "Serik OIDANOV" in text)
    assert "Designation gaps by jurisdiction" in chief
    assert "GLOMAG" in chief and "Global Human Rights" in chief
    assert "not screened" in chief and "no listing found" in chief
    assert "automated match, unconfirmed" in chief
    assert "Designated by United States (GLOMAG), United Kingdom (Global Human Rights)" in \
        chief.replace("\n", " ")
    assert "✓" in texts["overview.pdf"]
    book = load_workbook(out / "workbook.xlsx", read_only=True)
    try:
        targets = list(book["Targets"].values)
        column = targets[0].index("Existing designations")
        row = next(r for r in targets if r[0] == "Serik Oydanov")
        assert row[column] == "United States: GLOMAG; United Kingdom: Global Human Rights"
        gaps = list(book["Designation gaps"].values)
        assert gaps[0][:6] == ("Target", "United States", "United Kingdom", "European Union",
                               "Canada", "Australia")
        chief_row = next(r for r in gaps if r[0] == "Serik Oydanov")
        assert chief_row[1].startswith("designated: GLOMAG (listed 2021-12-10; match 1.00")
        assert chief_row[3] == "no listing found in fictional_list.ftm.json as of 2023-01-01"
        assert chief_row[5].startswith("not screened")
        total = next(r for r in gaps if r[0] == "Whole case: targets designated")
        assert total[1:6] == (1, 1, 0, 0, 0)
    finally:
        book.close()


def test_only_confirmed_matches_become_sanction_entities(runner: CliRunner, fictional: Path,
                                                         listfile: Path, tmp_path: Path) -> None:
    _screen(runner, str(fictional), "--against", str(listfile))

    def sanctions() -> list[dict]:
        out = tmp_path / "os"
        result = runner.invoke(cli, ["export", str(fictional), "--format", "opensanctions",
                                     "--out", str(out), "--audience", "government"])
        assert result.exit_code == 0, result.output
        lines = (out / "entities.ftm.json").read_text("utf-8").splitlines()
        return [e for e in map(json.loads, lines) if e["schema"] == "Sanction"]

    assert sanctions() == []
    runner.invoke(cli, ["screen", str(fictional), "--confirm", "chief=fic-1"])
    found = sanctions()
    assert sorted((s["properties"]["country"][0], s["properties"]["program"][0])
                  for s in found) == [("gb", "Global Human Rights"), ("us", "GLOMAG")]
    assert all("confirmed by a reviewer" in s["properties"]["summary"][0] for s in found)
    simple = (tmp_path / "os" / "targets.simple.csv").read_text("utf-8")
    assert "GLOMAG" in simple


def test_organisations_are_found_across_languages(tmp_path: Path) -> None:
    """Russian and Kazakh names of state bodies find their English listings, through the
    common words of official names (and the alias table), in the index and in the
    comparison; a body with other words, or a person, is not translated."""
    from screening_helpers import _entity

    listed = [
        _entity("PublicBody", "fic-b1", name=["National Security Committee"], country=["kz"]),
        _entity("PublicBody", "fic-b2", name=["Ministry of Internal Affairs"], country=["kz"]),
        _entity("PublicBody", "fic-b3", name=["Ministry of Defence"], country=["kz"]),
        _entity("Person", "fic-p1", name=["Sergei GORODETSKY"]),
    ]
    path = write_list(tmp_path / "bodies.ftm.json", listed)
    with open_index(path).index as index:
        def found(schema: str, name: str) -> list[str]:
            return [m.id for m in screen_entity(index, query_entity(schema, {"name": [name]}))]

        assert found("PublicBody", "Комитет национальной безопасности") == ["fic-b1"]
        assert found("PublicBody", "Ұлттық қауіпсіздік комитеті") == ["fic-b1"]
        assert found("PublicBody", "Министерство внутренних дел") == ["fic-b2"]
        assert found("PublicBody", "Министерство обороны") == ["fic-b3"]
        assert found("PublicBody", "Министерство юстиции") == []  # another ministry
        (match,) = screen_entity(index, query_entity(
            "PublicBody", {"name": ["Комитет национальной безопасности"]}))
        assert any("in translation" in a for a in match.agreed)
        assert found("Person", "Сергей Городецкий") == ["fic-p1"]  # a person: as before


def test_legal_forms_and_function_words_make_no_organisation_candidates(tmp_path: Path) -> None:
    from screening_helpers import _entity

    listed = [_entity("Company", "fic-c1", name=["Other Trading JSC"]),
              _entity("Company", "fic-c2", name=["Office of the Steppe"])]
    path = write_list(tmp_path / "companies.ftm.json", listed)
    with open_index(path).index as index:
        assert index.candidates("Company", ["Fictiva Bank JSC"]) == []
        assert index.candidates("Company", ["Bank of the Fictiva"]) == []
        assert index.candidates("Company", ["Other Trading LLP"]) == [0]


# --- remembered scores ----------------------------------------------------------------
def test_scores_are_remembered_per_pair_and_asked_again_when_anything_changes(
        listfile: Path, tmp_path: Path) -> None:
    from entities.screening.memo import ScoreMemo

    path = tmp_path / "case" / ".dossier" / "screening-scores.sqlite"
    props = {"name": ["Серик Ойданов"], "birthDate": ["1968-03-02"]}
    with open_index(listfile).index as index:
        with ScoreMemo(path) as memo:
            first = screen_entity(index, query_entity("Person", props), threshold=0.3,
                                  memo=memo)
        assert memo.asked > 0 and memo.remembered == 0
        with ScoreMemo(path) as memo:  # same target, same list: logic-v2 asked nothing
            again = screen_entity(index, query_entity("Person", props), threshold=0.3,
                                  memo=memo)
        assert memo.asked == 0 and memo.remembered > 0
        assert again == first
        changed = {**props, "birthDate": ["1950-01-01"]}  # a changed target is a new key
        with ScoreMemo(path) as memo:
            other = screen_entity(index, query_entity("Person", changed), threshold=0.3,
                                  memo=memo)
        assert memo.asked > 0 and memo.remembered == 0
        assert {m.id: m.score for m in other} != {m.id: m.score for m in first}
        # a memo that cannot be written is left out: the same matches, nothing remembered
        blocked = tmp_path / "file"
        blocked.write_text("x")
        with ScoreMemo(blocked / "memo.sqlite") as memo:
            assert screen_entity(index, query_entity("Person", props), threshold=0.3,
                                 memo=memo) == first
        assert memo.remembered == 0


def test_a_case_remembers_its_scores_inside_the_case(runner: CliRunner, fictional: Path,
                                                      listfile: Path, _cache: Path) -> None:
    first = _screen(runner, str(fictional), "--against", str(listfile), "--audience",
                    "government")
    memo = fictional / ".dossier" / "screening-scores.sqlite"
    assert memo.is_file()
    assert not list(_cache.rglob("*scores*"))  # target names never in the machine's cache
    again = _screen(runner, str(fictional), "--against", str(listfile), "--audience",
                    "government")
    assert [r["matches"] for r in again["results"]] == [r["matches"] for r in first["results"]]
