"""Every model accepts a good record and explains each kind of bad one."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from entities.case.messages import describe, error_paths
from entities.case.model import (
    Attribution,
    CaseMeta,
    Evidence,
    Incident,
    OrganisationRecord,
    Person,
    Position,
    Source,
    Strict,
    Tenure,
)

GOOD: dict[type[Strict], dict[str, Any]] = {
    CaseMeta: {"id": "case_1", "title": "T", "organisation": {"name": "NGO"}},
    Person: {"id": "p1", "names": ["Serik Oydanov"], "birth_date": 1968, "nationality": "KZ"},
    OrganisationRecord: {"id": "o1", "names": [{"name": "Управление", "lang": "ru"}],
                         "type": "bank"},
    Position: {"id": "pos", "title": "Head", "organisation": "o1"},
    Tenure: {"id": "t1", "person": "p1", "position": "pos", "start": "2019-01",
             "evidence": ["e1"]},
    Source: {"id": "s1", "title": "Report", "reliability": "b", "url": "https://x.org/a"},
    Evidence: {"id": "e1", "source": "s1", "locator": "p. 2", "excerpt": "text",
               "credibility": "2", "type": "ngo_report"},
    Incident: {"id": "i1", "title": "Detention", "description": "d",
               "violations": "arbitrary_detention"},
    Attribution: {"id": "a1", "actor": "o1", "incident": "i1", "mode": "ordering"},
}


def messages(model: type[Strict], data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    out = {}
    for loc, error in error_paths(info.value):
        out[".".join(map(str, loc))] = describe(error, list(model.model_fields))
    return out


@pytest.mark.parametrize("model", list(GOOD))
def test_good_records_validate(model: type[Strict]) -> None:
    model.model_validate(GOOD[model])


@pytest.mark.parametrize("model", list(GOOD))
def test_unknown_field_is_an_error(model: type[Strict]) -> None:
    found = messages(model, {**GOOD[model], "colour": "red"})
    assert found["colour"].startswith("is not a known field (check the spelling)")


@pytest.mark.parametrize("model", list(GOOD))
def test_missing_required_field(model: type[Strict]) -> None:
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    data = {k: v for k, v in GOOD[model].items() if k != required[0]}
    assert messages(model, data)[required[0]] == "is required but missing"


@pytest.mark.parametrize(("model", "field", "value", "words"), [
    (CaseMeta, "id", "Bad-Id", "must be lower-case letters"),
    (CaseMeta, "default_sensitivity", "secret", "'secret' is not a known value"),
    (Person, "birth_date", "31.02.1980", '"31.02.1980" is not a date'),
    (Person, "nationality", "Narnia", "'Narnia' is not a country"),
    (Person, "statuses", ["jurnalist"], "did you mean 'journalist'?"),
    (Person, "names", [], "needs at least 1 entry"),
    (Person, "gender", "x", "is not allowed; use one of"),
    (Person, "target", "perhaps", "must be true or false"),
    (OrganisationRecord, "type", "ministry", "'ministry' is not a known value"),
    (OrganisationRecord, "website", "example.org", "must be a web address"),
    (Tenure, "evidence", [], "needs at least 1 entry"),
    (Source, "reliability", "G", "is not allowed; use one of: 'A'"),
    (Source, "sha256", "abc", "must be a SHA-256 checksum"),
    (Evidence, "credibility", 9, "must be a whole number from 1 (confirmed) to 6"),
    (Evidence, "type", "rumour", "is not a known value"),
    (Evidence, "excerpt", "x" * 5001, "is too long (at most 5000 characters)"),
    (Incident, "violations", ["torure"], "did you mean 'torture'?"),
    (Incident, "description", "   ", "must not be empty"),
    (Attribution, "mode", "commanded", "is not a known value"),
    (Attribution, "status", "final", "is not allowed"),
])
def test_field_errors(model: type[Strict], field: str, value: Any, words: str) -> None:
    found = messages(model, {**GOOD[model], field: value})
    assert any(words in message for message in found.values()), found


def test_reviewed_attribution_needs_evidence() -> None:
    found = messages(Attribution, {**GOOD[Attribution], "status": "reviewed"})
    assert "a reviewed attribution must cite evidence" in found[""]


def test_single_values_become_lists_and_names_accept_text() -> None:
    person = Person.model_validate({"id": "p", "names": "Марат", "nationality": "Kazakhstan"})
    assert person.names[0].name == "Марат" and person.names[0].type == "name"
    assert person.nationality == ["kz"]


def test_case_prefix_defaults_from_id() -> None:
    meta = CaseMeta.model_validate(GOOD[CaseMeta])
    assert meta.id_prefix == "case1"
