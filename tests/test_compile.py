"""Case → FollowTheMoney: valid entities, stable ids, provenance, read-back."""

from __future__ import annotations

import json
import re
from pathlib import Path

from followthemoney import StatementEntity, ValueEntity, model
from followthemoney.cli.util import path_entities
from followthemoney.types import registry

from entities.case.loader import load_case
from entities.ftm.compile import compile_case
from exports.ftm_json import write_entities


def as_graph(entities: list[StatementEntity] | list[ValueEntity]) -> dict[str, tuple[str, dict]]:
    return {str(e.id): (e.schema.name, {p: sorted(v) for p, v in e.to_dict()["properties"]
                                        .items()}) for e in entities}


def test_every_entity_validates_and_references_resolve(fictional: Path, example: Path) -> None:
    for root in (fictional, example):
        entities = compile_case(load_case(root))
        ids = {e.id for e in entities}
        for entity in entities:
            data = entity.to_dict()
            assert entity.schema.validate(data) is None
            for required in entity.schema.required:
                assert entity.get(required), (entity.schema.name, required)
            for prop, values in entity.properties.items():
                if entity.schema.get(prop).type == registry.entity:
                    assert set(values) <= ids, (entity.schema.name, prop)


def test_mapping_uses_stock_schemata(fictional: Path) -> None:
    schemata = {e.schema.name for e in compile_case(load_case(fictional))}
    assert schemata == {"Person", "PublicBody", "Company", "Position", "Occupancy", "Document",
                        "Article", "Documentation", "Event", "UnknownLink"}
    assert all(name in model.schemata for name in schemata)


def test_attribution_and_victim_links(fictional: Path) -> None:
    entities = {e.id: e for e in compile_case(load_case(fictional))}
    links = [e for e in entities.values() if e.schema.name == "UnknownLink"]
    roles = sorted(link.first("role") for link in links)
    assert roles == ["Command or superior responsibility", "Ordering, soliciting or inducing",
                     "victim"]
    for link in links:
        assert entities[link.first("object")].schema.name == "Event"
    bank = next(e for e in entities.values() if e.schema.name == "Company")
    assert bank.get("topics") == ["fin.bank"] and bank.get("swiftBic") == ["FICTKZKA"]


def test_evidence_documentation_carries_excerpt_locator_and_grade(fictional: Path) -> None:
    docs = [e for e in compile_case(load_case(fictional)) if e.schema.name == "Documentation"]
    news = [d for d in docs if d.first("recordId") == "para. 2"]
    assert news and all(d.first("status") == "C3" for d in news)
    stmt = next(s for s in news[0].statements if s.prop == "summary")
    assert stmt.value.startswith("Сообщается") and stmt.lang == "rus"
    assert news[0].first("description").startswith("It is reported")


def test_every_statement_has_file_line_origin_and_dataset(fictional: Path) -> None:
    for entity in compile_case(load_case(fictional)):
        for stmt in entity.statements:
            assert stmt.dataset == "fictional_case"
            if stmt.prop != "id":
                assert re.fullmatch(r"data/[a-z]+\.yml:\d+", stmt.origin or ""), stmt


def test_origin_points_at_the_line_of_the_value(fictional: Path) -> None:
    chief = next(e for e in compile_case(load_case(fictional)) if e.schema.name == "Person"
                 and "Serik Oydanov" in e.get("name"))
    origin = next(s.origin for s in chief.statements if s.prop == "birthDate")
    file, line = origin.split(":")
    assert "birth_date: 1968-03-02" in (fictional / file).read_text().splitlines()[int(line) - 1]


def test_ids_are_stable_prefixed_and_free_of_personal_data(fictional: Path) -> None:
    first = [e.id for e in compile_case(load_case(fictional))]
    assert first == [e.id for e in compile_case(load_case(fictional))]
    for entity_id in first:
        assert re.fullmatch(r"fict-[0-9a-f]{40}", str(entity_id))
    text = " ".join(map(str, first)).lower()
    for secret in ("oydanov", "1968", "n0000001", "chief", "testova"):
        assert secret not in text


def test_written_json_lines_read_back_as_the_same_graph(fictional: Path, tmp_path: Path) -> None:
    entities = compile_case(load_case(fictional))
    path = tmp_path / "entities.ftm.json"
    assert write_entities(path, entities) == len(entities)
    back = list(path_entities(path, ValueEntity))
    assert as_graph(back) == as_graph(entities)
    for line in path.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        assert model.get_proxy(data).to_dict()["properties"] == data["properties"]


def test_audience_withholds_confidential_records(fictional: Path) -> None:
    internal = compile_case(load_case(fictional))
    public = compile_case(load_case(fictional), "public")
    names = {n for e in public for n in e.get("name", quiet=True)}
    assert "Quiet Witness" not in names
    assert "Quiet Witness" in {n for e in internal for n in e.get("name", quiet=True)}
    excerpts = {v for e in public for v in e.get("summary", quiet=True)}
    assert "I saw the chief sign the order." not in excerpts
    # The attribution resting only on confidential evidence keeps no citation of it.
    ids = {e.id for e in public}
    for entity in public:
        for prop, values in entity.properties.items():
            if entity.schema.get(prop).type == registry.entity:
                assert set(values) <= ids


def _statements(entities: list[StatementEntity]) -> list[tuple[str, ...]]:
    """Every statement of ``entities``: id, property, value, language and origin."""
    return sorted((str(s.id), s.prop, s.value, str(s.lang), str(s.origin))
                  for e in entities for s in e.statements)


def test_the_database_stream_gives_each_entity_whole_and_once(fictional: Path,
                                                               example: Path) -> None:
    """``stream_case`` (what the database stores, made one entity at a time) gives the
    very statements ``compile_case`` does, each entity once and whole when given — a
    person's posts (titles, with their tenures' provenance) included."""
    from entities.ftm.compile import stream_case
    from entities.ftm.ids import record_id

    for root in (fictional, example):
        case = load_case(root)
        streamed = list(stream_case(case))
        ids = [str(e.id) for e in streamed]
        assert len(ids) == len(set(ids))

        assert _statements(streamed) == _statements(compile_case(case))
        held = [e for e in streamed if e.schema.name == "Person" and e.get("position")]
        assert held, root
        for person in held:
            origins = {s.origin for s in person.statements if s.prop == "position"}
            tenures = [t for t in case.tenures
                       if record_id(case.meta.id_prefix, "person", t.person) == person.id]
            assert tenures and origins <= {t.origin("position") for t in tenures}


def test_the_database_stream_in_parts_gives_every_entity_once(fictional: Path,
                                                              example: Path) -> None:
    """The parts the background processes make (``stream_case(case, part, parts)``)
    together give exactly the whole stream: every entity once, with the same statements,
    each part with its share of every kind of record."""
    from entities.ftm.compile import stream_case

    for root in (fictional, example):
        case = load_case(root)
        whole = list(stream_case(case))
        for parts in (2, 3, 7):
            made = [list(stream_case(case, part, parts)) for part in range(parts)]
            ids = [str(e.id) for part in made for e in part]
            assert len(ids) == len(set(ids)) == len(whole), (root, parts)
            assert _statements([e for part in made for e in part]) == _statements(whole)
        halves = [{e.schema.name for e in stream_case(case, part, 2)} for part in range(2)]
        assert halves[0] & {"Person", "Event", "UnknownLink"} and \
            halves[1] & {"Person", "Event", "UnknownLink"}, root
