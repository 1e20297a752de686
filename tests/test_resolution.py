"""Decisions, conflict-aware clusters, the xref/dedupe commands and judgements."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from followthemoney import model

from dossier.cli import cli
from entities.resolution.matching import decide, profile
from entities.resolution.orgnames import starter_table
from entities.resolution.xref import xref
from tests.conftest import DEDUPE_DEV, needs_shared

DEV = DEDUPE_DEV


def person(entity_id: str, name: str, **props: str) -> object:
    entity = model.make_entity("Person")
    entity.id = entity_id
    entity.add("name", name)
    for prop, value in props.items():
        entity.add(prop, value)
    return entity


def org(entity_id: str, name: str, schema: str = "Organization", **props: str) -> object:
    entity = model.make_entity(schema)
    entity.id = entity_id
    entity.add("name", name)
    for prop, value in props.items():
        entity.add(prop, value)
    return entity


def verdict(a: object, b: object) -> str:
    return decide(profile(a), profile(b), aliases=starter_table()).decision  # type: ignore[arg-type]


def test_name_alone_goes_to_review() -> None:
    assert verdict(person("a", "Серик Тестов"), person("b", "Serik Testov")) == "review"


def test_name_plus_birth_date_merges() -> None:
    a = person("a", "Серик Тестов", birthDate="1970-05-01")
    assert verdict(a, person("b", "Serik Testov", birthDate="1970-05-01")) == "merge"
    assert verdict(a, person("c", "Serik Testov", birthDate="1970-05")) == "merge"
    assert verdict(a, person("d", "Serik Testov", birthDate="1970")) == "review"  # year only


def test_shared_identifier_merges_and_different_national_ids_conflict() -> None:
    a = person("a", "Serik Testov", idNumber="700501300123")
    assert verdict(a, person("b", "Testov S.", idNumber="700501300123")) == "merge"
    assert verdict(a, person("c", "Serik Testov", idNumber="700501300999")) == "review"


def test_conflicting_birth_dates_never_merge() -> None:
    a = person("a", "Serik Testov", birthDate="1950-03-21")
    result = decide(profile(a), profile(person("b", "Серик Тестов", birthDate="1988-11-02")))
    assert result.decision == "review" and result.conflicts
    assert result.score < 0.7


def test_initials_never_merge_even_with_birth_date() -> None:
    a = person("a", "Тестов С. О.", birthDate="1970-05-01")
    assert verdict(a, person("b", "Serik Oidanovich Testov", birthDate="1970-05-01")) == "review"


def test_typo_level_names_never_merge() -> None:
    a = person("a", "Serik Akhmetov", birthDate="1970-05-01")
    assert verdict(a, person("b", "Serik Akhmedov", birthDate="1970-05-01")) == "review"


def test_person_never_matches_an_organisation() -> None:
    assert verdict(person("a", "Kaspi Bank"), org("b", "Kaspi Bank", "Company")) == "distinct"


def test_organisations() -> None:
    ru = org("a", "Министерство юстиции Республики Казахстан", "PublicBody")
    en = org("b", "Ministry of Justice of the Republic of Kazakhstan", "PublicBody")
    uz = org("c", "Министерство юстиции Республики Узбекистан", "PublicBody")
    assert verdict(ru, en) == "merge"                      # alias table, Kazakhstan on both
    assert verdict(ru, uz) == "distinct"                   # different countries
    bank = org("d", "АО «Тестбанк»", "Company", swiftBic="TESTKZKA")
    assert verdict(bank, org("e", "Testbank JSC", "Company", swiftBic="TESTKZKA")) == "merge"
    assert verdict(bank, org("f", "Testbank JSC", "Company")) == "review"
    # identifiers in their format's standard form (rigour.ids): a BIC with or without its
    # branch code XXX, an IMO number with or without its prefix
    branch = org("g", "Testbank JSC", "Company", swiftBic="testkzka xxx")
    assert verdict(bank, branch) == "merge"
    ship = org("h", "Test Shipping LLP", "Company", imoNumber="IMO 9321483")
    assert verdict(ship, org("i", "Test Shipping", "Company", imoNumber="9321483")) == "merge"


def test_transitive_merge_through_a_third_record_is_refused() -> None:
    a = person("a", "Serik Testov", birthDate="1970-05-01", idNumber="111")
    b = person("b", "Серик Тестов", birthDate="1970-05-01")
    c = person("c", "Serik Testov", idNumber="111", gender="female")
    b.add("gender", "male")
    result = xref([a, b, c], aliases=starter_table(), use_index=False)
    decisions = {(p.left, p.right): p.decision for p in result.pairs}
    assert decisions[("a", "b")] == "merge"
    assert decisions[("b", "c")] == "review"       # genders conflict
    assert result.clusters == [["a", "b"]]          # c is not pulled in through a


def test_negative_judgement_blocks_merge_and_transitive_merge() -> None:
    a = person("a", "Serik Testov", birthDate="1970-05-01")
    b = person("b", "Серик Тестов", birthDate="1970-05-01")
    c = person("c", "Serik Testov", birthDate="1970-05-01")

    def judge(x: str, y: str) -> str | None:
        return "negative" if {x, y} == {"a", "c"} else None

    result = xref([a, b, c], aliases=starter_table(), judge=judge, use_index=False)
    assert all(set(group) != {"a", "b", "c"} for group in result.clusters)
    assert ["a", "c"] not in result.clusters


def _ftm_file(path: Path, entities: list[object]) -> Path:
    path.write_text("".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n"  # type: ignore[attr-defined]
                            for e in entities), encoding="utf-8")
    return path


def test_xref_json_shape(tmp_path: Path) -> None:
    path = _ftm_file(tmp_path / "x.ftm.json", [
        person("p1", "Серик Тестов", birthDate="1970-05-01"),
        person("p2", "Serik Testov", birthDate="1970-05-01"),
        person("p3", "Serik Testov"),
        person("p4", "Arman Muratov"),
    ])
    result = CliRunner().invoke(cli, ["xref", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"pairs", "clusters"}
    pairs = {(p["left"], p["right"]): p for p in data["pairs"]}
    assert pairs[("p1", "p2")]["decision"] == "merge"
    assert pairs[("p1", "p3")]["decision"] == "review"
    assert all(isinstance(p["score"], float) for p in data["pairs"])
    assert data["clusters"] == [["p1", "p2"]]


def test_xref_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.ftm.json"
    path.write_text('{"id": "x", "schema": "Nope"}\n')
    result = CliRunner().invoke(cli, ["xref", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "bad.ftm.json:1: schema: 'Nope' is not a FollowTheMoney schema" in result.output


@pytest.fixture
def duplicated(fictional: Path) -> Path:
    """The fictional case plus a spreadsheet-style duplicate of its official."""
    extra = fictional / "data" / "more.yml"
    extra.write_text("""\
people:
  - id: chief-again
    names: [Серик Ойданов]
    birth_date: 1968-03-02
    evidence: [ev-news]
  - id: namesake
    names: [Serik Oydanov]
""", encoding="utf-8")
    return fictional


def test_dedupe_records_merges_and_build_uses_canonical_entities(duplicated: Path,
                                                                  tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["dedupe", str(duplicated), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["clusters"]) == 1 and len(data["clusters"][0]) == 2
    assert {p["decision"] for p in data["pairs"]} == {"merge", "review"}
    assert runner.invoke(cli, ["build", str(duplicated), "--out", str(tmp_path / "o")]
                         ).exit_code == 0
    lines = [json.loads(x) for x in (tmp_path / "o" / "entities.ftm.json").read_text()
             .splitlines()]
    merged = [e for e in lines if e["id"].startswith("NK-")]
    assert len(merged) == 1
    assert set(merged[0]["origin"]) <= {"fictional_case:person", "fictional_case:tenure"}
    from entities.db.database import CaseDatabase

    with CaseDatabase.for_case(duplicated) as db:  # the database keeps file and line
        origins = {s.origin for s in db.statements.statements("fictional_case")
                   if s.entity_id in data["clusters"][0]}
    assert any(str(o).startswith("data/actors.yml:") for o in origins)
    assert any(str(o).startswith("data/more.yml:") for o in origins)
    ids = {e["id"] for e in lines}
    for entity in lines:  # references were rewritten to the canonical id
        for values in entity["properties"].values():
            assert not any(v in data["clusters"][0] for v in values)
    assert data["clusters"][0][0] not in ids


def test_the_merged_entities_statements_are_recorded_as_seen(duplicated: Path,
                                                             tmp_path: Path) -> None:
    """Every statement of every entity a build shows — the merged one's, made anew by
    merging, included — is recorded as seen by the build, and none is new afterwards."""
    from dossier.build import prepare
    from entities.db.database import CaseDatabase

    runner = CliRunner()
    assert runner.invoke(cli, ["dedupe", str(duplicated), "--json"]).exit_code == 0

    def views() -> tuple[set[str], set[str], set[str]]:
        with CaseDatabase.for_case(duplicated) as db:
            view = prepare(db, duplicated).view
        merged = {str(s.id) for e in view.entities if str(e.id).startswith("NK-")
                  for s in e.statements}
        every = {str(s.id) for e in view.entities for s in e.statements}
        return {key for key, _ in view.new_sightings()}, every, merged

    new, every, merged = views()
    assert merged and every <= new
    assert runner.invoke(cli, ["build", str(duplicated), "--out", str(tmp_path / "o")]
                         ).exit_code == 0
    new, every_again, merged_again = views()
    assert new == set() and every_again == every and merged_again == merged


def test_review_pairs_are_nomenklatura_suggestions(duplicated: Path) -> None:
    """The review pairs are stored as the resolver's suggestions, which nomenklatura's own
    review screen (``nomenklatura dedupe``) reads as its candidates."""
    from entities.db.database import CaseDatabase

    result = CliRunner().invoke(cli, ["dedupe", str(duplicated), "--json"])
    pairs = [p for p in json.loads(result.stdout)["pairs"] if p["decision"] == "review"]
    assert pairs
    with CaseDatabase.for_case(duplicated) as db, db.transaction():
        candidates = {frozenset((a, b)) for a, b, _ in db.resolver.get_candidates()}
    assert {frozenset((p["left"], p["right"])) for p in pairs} <= candidates


def test_review_records_judgements_and_does_not_ask_again(duplicated: Path,
                                                          tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["dedupe", str(duplicated), "--review", "--user", "tester"],
                          input="d\nq\n")
    assert first.exit_code == 0, first.output
    assert "0 same, 1 different" in first.output
    assert "birthDate" in first.output and "sources" in first.output
    export = tmp_path / "j.jsonl"
    assert "exported" in runner.invoke(cli, ["judgements", str(duplicated), "--export",
                                             str(export)]).output
    lines = export.read_text().splitlines()
    assert any('"negative"' in line and "tester" in line for line in lines)
    second = runner.invoke(cli, ["dedupe", str(duplicated), "--review"], input="q\n")
    assert "0 same, 0 different" in second.output
    # judgements travel to another copy of the case
    other = tmp_path / "copy"
    shutil.copytree(duplicated, other, ignore=shutil.ignore_patterns(".dossier"))
    assert runner.invoke(cli, ["judgements", str(other), "--import", str(export)]).exit_code == 0
    again = tmp_path / "j2.jsonl"
    runner.invoke(cli, ["judgements", str(other), "--export", str(again)])
    assert sorted(again.read_text().splitlines()) == sorted(lines)


def test_bad_judgements_file(fictional: Path, tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text("not a judgement\n")
    result = CliRunner().invoke(cli, ["judgements", str(fictional), "--import", str(path)])
    assert result.exit_code == 1 and "j.jsonl:1: is not a judgement" in result.output


@needs_shared(DEV)
def test_dev_set_has_no_wrong_automatic_merge_and_high_review_recall() -> None:
    from itertools import combinations

    from benchmarks.dedupe_quality import load_dev_set

    records, entities = load_dev_set(DEV)
    cluster = {r["id"]: r["cluster"] for r in records}
    stretch = {r["id"] for r in records if r.get("stretch")}
    result = xref(entities, aliases=starter_table())
    merged = {tuple(sorted(p)) for group in result.clusters for p in combinations(group, 2)}
    assert all(cluster[a] == cluster[b] for a, b in merged)
    truth = {tuple(sorted(p)) for p in combinations(cluster, 2)
             if cluster[p[0]] == cluster[p[1]] and not set(p) & stretch}
    found = {tuple(sorted((p.left, p.right))) for p in result.pairs if p.decision != "distinct"}
    assert len(found & truth) / len(truth) >= 0.97


def test_a_romanisation_variant_never_merges_and_with_a_conflict_is_two_people() -> None:
    a = person("a", "Uladzimir RUSAKEVICH", birthDate="1962-01-01")
    assert verdict(a, person("b", "Vladimir RUSAKEVICH", birthDate="1962-01-01")) == "review"
    assert verdict(a, person("c", "Vladimir RUSAKEVICH", birthDate="1975-06-01")) == "distinct"


def test_a_shared_identifier_under_another_name_is_review_not_merge() -> None:
    a = person("a", "Daniel PEREZ ROJAS", passportNumber="AB123456", birthDate="1977-02-10")
    b = person("b", "Juan GONZALEZ DIAZ", passportNumber="AB123456", birthDate="1977-02-10")
    assert verdict(a, b) == "review"
    c = person("c", "Juan GONZALEZ DIAZ", passportNumber="AB123456", birthDate="1950-01-01")
    assert verdict(a, c) == "distinct"  # and a conflict: not worth a reviewer's time


class _Scorer:
    def __init__(self, score: float) -> None:
        self.score, self.asked = score, 0

    def __call__(self, a: object, b: object) -> float:
        self.asked += 1
        return self.score


def _scored(a: object, b: object, scorer: _Scorer) -> str:
    return decide(profile(a), profile(b), aliases=starter_table(), scorer=scorer,  # type: ignore[arg-type]
                  entities=(a, b)).decision  # type: ignore[arg-type]


def test_logic_v2_is_asked_about_people_whose_names_agree_in_part() -> None:
    a = person("a", "Yong Chol CHO")  # Cho/Jo: too short for a variant key
    b = person("b", "Yong Chol JO")
    high, low = _Scorer(0.9), _Scorer(0.4)
    assert _scored(a, b, high) == "review" and high.asked == 1
    assert _scored(a, b, low) == "distinct"
    # never a merge on its score, whatever it says
    assert _scored(person("c", "Ali Mohammad TAJEDDIN", birthDate="1961"),
                   person("d", "Ali TAJIDEEN", birthDate="1961"), _Scorer(1.0)) == "review"


def test_logic_v2_is_not_asked_where_a_conflict_or_our_rules_settle_it() -> None:
    scorer = _Scorer(0.9)
    assert _scored(person("a", "Yong Chol CHO", birthDate="1950"),
                   person("b", "Yong Chol JO", birthDate="1980"), scorer) == "distinct"
    assert _scored(person("c", "Arman Khasenov Serik"), person("d", "Arman Kassenov"),
                   scorer) == "distinct"  # Хасенов is not Касенов
    assert scorer.asked == 0


def test_logic_v2_for_people_is_left_out_above_the_auto_limit() -> None:
    from entities.resolution import xref as xref_module

    people = [person("a", "Yong Chol CHO"), person("b", "Yong Chol JO")]
    scorer = _Scorer(0.9)
    found = xref_module.xref(people, scorer=scorer, use_index=False)  # type: ignore[arg-type]
    assert scorer.asked == 1 and found.stats["logic_v2_people"] == 1
    scorer = _Scorer(0.9)
    found = xref_module.xref(people, scorer=scorer, use_index=False,  # type: ignore[arg-type]
                             score_people=False)
    assert scorer.asked == 0 and found.stats["logic_v2_people"] == 0
