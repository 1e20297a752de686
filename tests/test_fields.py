from __future__ import annotations

import datetime as dt

import pytest

from entities.case.fields import (
    check_local_id,
    clean_line,
    parse_country,
    parse_language,
    parse_partial_date,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("2020", "2020"), (2020, "2020"), ("2020-04", "2020-04"), ("2020-04-18", "2020-04-18"),
    (dt.date(2020, 4, 18), "2020-04-18"), (" 2020-04-18\u00a0", "2020-04-18"),
    (dt.datetime(2020, 4, 18, 10, 0), "2020-04-18"),
])
def test_partial_dates(raw: object, expected: str) -> None:
    assert parse_partial_date(raw) == expected


@pytest.mark.parametrize(("raw", "words"), [
    ("31.02.1980", "is not a date; write it as YYYY-MM-DD"),
    ("1980-02-31", "is not a date that exists in the calendar"),
    ("2020-13", "is not a date that exists in the calendar"),
    ("1066", "implausible year"),
    ("last spring", "is not a date"),
])
def test_bad_dates(raw: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_partial_date(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    ("KZ", "kz"), ("kz", "kz"), ("Kazakhstan", "kz"), ("KAZ", "kz"), ("Russia", "ru"),
])
def test_countries(raw: str, expected: str) -> None:
    assert parse_country(raw) == expected


def test_bad_country() -> None:
    with pytest.raises(ValueError, match="'Narnia' is not a country"):
        parse_country("Narnia")


@pytest.mark.parametrize(("raw", "expected"), [
    ("ru", "rus"), ("RU", "rus"), ("kk", "kaz"), ("kaz", "kaz"), ("en", "eng"),
])
def test_languages(raw: str, expected: str) -> None:
    assert parse_language(raw) == expected


def test_bad_language() -> None:
    with pytest.raises(ValueError, match="not a language code"):
        parse_language("klingon")


def test_ids() -> None:
    assert check_local_id("knb-chair_2.1") == "knb-chair_2.1"
    for bad in ("-x", "has space", "слово", "a" * 101, ""):
        with pytest.raises(ValueError, match="not a valid id"):
            check_local_id(bad)


def test_clean_line_handles_nbsp_and_runs_of_spaces() -> None:
    assert clean_line("\u00a0Марат\u00a0  Бекетаев ") == "Марат Бекетаев"
