"""Screening against the real OFAC SDN snapshot: Cyrillic spellings find Latin listings."""

from __future__ import annotations

import pytest

from entities.screening.cache import open_index
from entities.screening.index import ListIndex
from entities.screening.match import query_entity, screen_entity
from tests.conftest import OFAC_SNAPSHOT, needs_shared

OFAC = OFAC_SNAPSHOT
pytestmark = [pytest.mark.slow, needs_shared(OFAC)]

# Spelling variants written for these tests (Russian and Uzbek/Kazakh-style Cyrillic,
# a Latin variant); the listing each must find.
LISTED = [
    ({"name": ["Гульнара Исламовна Каримова"], "birthDate": ["1972-07-08"]}, "ofac-23307"),
    ({"name": ["Гулнора Каримова"]}, "ofac-23307"),
    ({"name": ["Рамзан Ахматович Кадыров"]}, "ofac-23343"),
    ({"name": ["Евгений Викторович Пригожин"], "birthDate": ["1961-06-01"]}, "ofac-21171"),
    ({"name": ["Геннадий Николаевич Тимченко"]}, "ofac-16666"),
    ({"name": ["Александр Григорьевич Лукашенко"]}, "ofac-9760"),
    ({"name": ["Gennadiy Timtchenko"]}, "ofac-16666"),
]
NOT_LISTED = ["Серік Ойданов", "Айгерим Тестова", "Bolat Fictionbekov", "Жанна Выдуманова"]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> ListIndex:
    import os

    old = os.environ.get("DOSSIER_CACHE_DIR")
    os.environ["DOSSIER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    try:
        opened = open_index(OFAC)
    finally:
        if old is None:
            del os.environ["DOSSIER_CACHE_DIR"]
        else:
            os.environ["DOSSIER_CACHE_DIR"] = old
    yield opened.index
    opened.index.close()


@pytest.mark.parametrize(("props", "listing"), LISTED)
def test_cyrillic_variants_find_the_listing(index: ListIndex, props: dict[str, list[str]],
                                            listing: str) -> None:
    matches = screen_entity(index, query_entity("Person", props))
    assert matches, props
    assert matches[0].id == listing
    assert all(d.authority == "Office of Foreign Assets Control" and d.country == "us"
               for d in matches[0].sanctions)
    assert matches[0].sanctions


def test_birth_date_is_reported(index: ListIndex) -> None:
    query = query_entity("Person", LISTED[0][0])
    match = screen_entity(index, query)[0]
    assert "birth date agrees (1972-07-08)" in match.agreed
    assert any(d.program for d in match.sanctions)


@pytest.mark.parametrize("name", NOT_LISTED)
def test_people_not_listed_find_nothing(index: ListIndex, name: str) -> None:
    assert screen_entity(index, query_entity("Person", {"name": [name]})) == []


def test_an_organisation_query_never_returns_a_person(index: ListIndex) -> None:
    query = query_entity("Organization", {"name": ["Рамзан Ахматович Кадыров"]})
    assert all(m.schema != "Person" for m in screen_entity(index, query, threshold=0.1))
    company = screen_entity(index, query_entity("Company", {"name": ["Банк Мелли Иран"]}))
    assert company and company[0].name == "BANK MELLI IRAN"
    assert all(m.schema != "Person" for m in company)
