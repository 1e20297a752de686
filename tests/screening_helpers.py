"""A small fictional multi-authority sanctions list, written through followthemoney."""

from __future__ import annotations

from pathlib import Path

import orjson
from followthemoney import model
from followthemoney.proxy import EntityProxy


def _entity(schema: str, entity_id: str, **props: list[str]) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = entity_id
    for prop, values in props.items():
        for value in values:
            entity.add(prop, value)
    return entity


def _sanction(number: int, entity: str, country: str, authority: str, program: str,
              start: str) -> EntityProxy:
    return _entity("Sanction", f"fic-sanction-{number}", entity=[entity], country=[country],
                   authority=[authority], program=[program], startDate=[start])


def fictional_list() -> list[EntityProxy]:
    """Fictional listings: the fictional case's official (US and UK), a namesake born
    elsewhere and listed by Canada, a person called like the case's directorate, a bank
    listed by the EU, and unrelated people."""
    return [
        _entity("Person", "fic-1", name=["Serik OIDANOV"], alias=["Serik Oydanov"],
                birthDate=["1968-03-02"], nationality=["kz"], passportNumber=["N0000001"]),
        _sanction(1, "fic-1", "us", "Office of Foreign Assets Control", "GLOMAG",
                  "2021-12-10"),
        _sanction(2, "fic-1", "gb", "HM Treasury", "Global Human Rights", "2022-03-01"),
        _entity("Person", "fic-2", name=["Serik OYDANOV"], birthDate=["1950-01-01"],
                nationality=["ru"]),
        _sanction(3, "fic-2", "ca", "Global Affairs Canada", "JVCFOA", "2019-05-05"),
        _entity("Person", "fic-3", name=["Directorate of Examples"]),
        _sanction(4, "fic-3", "us", "Office of Foreign Assets Control", "SDGT", "2010-01-01"),
        _entity("Company", "fic-4", name=["Fictiva Bank"], country=["kz"]),
        _sanction(5, "fic-4", "eu", "Council of the European Union", "EU-GHR", "2023-01-01"),
        _entity("Person", "fic-5", name=["Marat Unrelatedov"], birthDate=["1980-01-01"]),
        _entity("Person", "fic-6", name=["Dana Otherova"]),
    ]


def write_list(path: Path, entities: list[EntityProxy] | None = None) -> Path:
    with path.open("wb") as fh:
        for entity in entities if entities is not None else fictional_list():
            fh.write(orjson.dumps(entity.to_dict()) + b"\n")
    return path
