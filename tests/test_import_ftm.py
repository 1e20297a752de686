"""Importing FollowTheMoney JSON lines into the case store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from followthemoney import model

from entities.db.database import CaseDatabase
from entities.exc import InvalidInput
from entities.intake.ftm_import import dataset_name, import_ftm
from tests.conftest import OFAC_SNAPSHOT, needs_shared

SHARED_OFAC = OFAC_SNAPSHOT


def _lines(*entities: dict) -> str:
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities)


def partner_file(path: Path) -> Path:
    person = model.make_entity("Person")
    person.id = "partner-p1"
    person.add("name", ["Ivan Fictionalov", "Иван Фикционалов"])
    person.add("birthDate", "1970-05-01")
    fragment = model.make_entity("Person")
    fragment.id = "partner-p1"
    fragment.add("nationality", "kz")
    org = model.make_entity("PublicBody")
    org.id = "partner-o1"
    org.add("name", "Fictional Directorate")
    post = model.make_entity("Position")
    post.id = "partner-pos"
    post.add("name", "Head of the Fictional Directorate")
    post.add("organization", org.id)
    occ = model.make_entity("Occupancy")
    occ.id = "partner-occ"
    occ.add("holder", person.id)
    occ.add("post", post.id)
    data = [e.to_dict() for e in (person, fragment, org, post, occ)]
    data[2]["datasets"] = ["partner_list"]
    path.write_text(_lines(*data), encoding="utf-8")
    return path


def test_import_keeps_dataset_origin_and_links(fictional: Path, tmp_path: Path) -> None:
    path = partner_file(tmp_path / "partner.ftm.json")
    report = import_ftm(fictional, path)
    assert report.records == 5 and report.entities == 4
    assert report.datasets == {"partner": 3, "partner_list": 1}
    store = CaseDatabase.for_case(fictional).statements
    rows = list(store.statements("partner"))
    assert {s.entity_id for s in rows} == {"partner-p1", "partner-pos", "partner-occ"}
    origins = {s.origin for s in rows}
    assert origins <= {f"partner.ftm.json:{n}" for n in range(1, 6)}
    assert ("nationality", "kz", "partner.ftm.json:2") in {(s.prop, s.value, s.origin)
                                                           for s in rows}
    assert store.external_datasets("fictional_case") == {"partner": 3, "partner_list": 1}
    store.db.close()


def test_reimport_replaces_and_case_build_leaves_imports_alone(fictional: Path,
                                                               tmp_path: Path) -> None:
    from entities.case.loader import load_case
    from entities.ftm.compile import compile_case

    path = partner_file(tmp_path / "partner.ftm.json")
    first = import_ftm(fictional, path)
    again = import_ftm(fictional, path)
    assert again.statements == first.statements
    store = CaseDatabase.for_case(fictional).statements
    case = load_case(fictional)
    store.replace(case.meta.id, compile_case(case))
    assert store.count_origin("partner.ftm.json:") == first.statements
    path.write_text(path.read_text().splitlines()[0] + "\n")
    import_ftm(fictional, path)
    assert store.datasets_of_origin("partner.ftm.json:") == {"partner": 1}
    store.db.close()


def test_bad_lines_are_all_reported_and_nothing_is_stored(fictional: Path,
                                                         tmp_path: Path) -> None:
    good = partner_file(tmp_path / "good.ftm.json").read_text()
    path = tmp_path / "bad.ftm.json"
    path.write_text(good + '{"id": "x", "schema": "Persn", "properties": {}}\n'
                    "not json\n"
                    '{"id": "y", "schema": "Person", "properties": {"colour": ["red"]}}\n'
                    '{"schema": "Person", "properties": {}}\n')
    with pytest.raises(InvalidInput) as info:
        import_ftm(fictional, path)
    assert [str(p) for p in info.value.problems] == [
        "bad.ftm.json:6: schema: 'Persn' is not a FollowTheMoney schema",
        "bad.ftm.json:7: is not valid JSON (one FtM entity per line expected)",
        "bad.ftm.json:8: properties.colour: 'colour' is not a property of Person",
        "bad.ftm.json:9: id: the entity has no id",
    ]
    store = CaseDatabase.for_case(fictional).statements
    assert store.count_origin("bad.ftm.json:") == 0
    store.db.close()


def test_invalid_values_are_reported_not_silently_lost(fictional: Path, tmp_path: Path) -> None:
    path = tmp_path / "v.ftm.json"
    path.write_text(_lines({"id": "v1", "schema": "Person",
                            "properties": {"name": ["A"], "birthDate": ["31/12/1970"]}}))
    report = import_ftm(fictional, path)
    assert report.dropped_count == 1
    assert report.dropped == ["v.ftm.json:1: birthDate: '31/12/1970'"]


def test_dataset_names() -> None:
    assert dataset_name("us_ofac_sdn.ftm.json") == "us_ofac_sdn"
    assert dataset_name("2024 Export.JSON") == "import_2024_export"


@pytest.mark.slow
@needs_shared(SHARED_OFAC)
def test_real_ofac_slice_imports(fictional: Path, tmp_path: Path) -> None:
    path = tmp_path / "us_ofac_sdn.ftm.json"
    with SHARED_OFAC.open(encoding="utf-8") as fh:
        path.write_text("".join(next(fh) for _ in range(2000)), encoding="utf-8")
    report = import_ftm(fictional, path)
    assert report.datasets.keys() == {"us_ofac_sdn"} and report.entities > 1000


def test_one_id_of_two_incompatible_kinds_is_a_located_error(fictional: Path,
                                                              tmp_path: Path) -> None:
    """One id as a Person and as a Company (as in an OFAC conversion): nomenklatura could
    not merge them, so the import says where, and stores nothing."""
    path = tmp_path / "mixed.ftm.json"
    lines = [{"id": "ofac-2677", "schema": "Person", "properties": {"name": ["Fiktiv A"]}},
             {"id": "other", "schema": "Company", "properties": {"name": ["Fiktiv Ltd"]}},
             {"id": "ofac-2677", "schema": "Company", "properties": {"name": ["Fiktiv B"]}},
             {"id": "fine", "schema": "LegalEntity", "properties": {"name": ["Fine"]}},
             {"id": "fine", "schema": "Company", "properties": {"name": ["Fine Ltd"]}}]
    path.write_text(_lines(*lines), encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        import_ftm(fictional, path)
    assert [str(p) for p in info.value.problems] == [
        "mixed.ftm.json:1: id 'ofac-2677': is a Person at line 1; a Company at line 3; "
        "one id must be one kind of entity (merge or rename one of them in the file)"]
    store = CaseDatabase.for_case(fictional).statements
    assert store.count_origin("mixed.ftm.json:") == 0
    store.db.close()
