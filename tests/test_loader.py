"""Loading a case collects every mistake, located by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from entities.case.loader import load_case
from entities.exc import CaseNotFound, InvalidCase
from tests.conftest import CASE_YML, write_case


def problems(root: Path) -> list[str]:
    with pytest.raises(InvalidCase) as info:
        load_case(root)
    return [str(p) for p in info.value.problems]


def test_example_and_fixture_are_valid(example: Path, fictional: Path) -> None:
    assert load_case(example).count()["attributions"] == 6
    case = load_case(fictional)
    assert case.count() == {"people": 3, "organisations": 2, "positions": 1, "tenures": 1,
                            "relations": 0, "sources": 3, "evidence": 3, "incidents": 1,
                            "attributions": 2}


def test_five_different_mistakes_are_all_reported(tmp_path: Path) -> None:
    write_case(tmp_path, {"case.yml": CASE_YML, "data/a.yml": """\
people:
  - id: p1
    names: [Fictional Person]
    birth_date: 31.02.1980
  - id: p1
    names: [Another Person]
organisations:
  - id: o1
    names: [Fictional Body]
    type: ministry
incidents:
  - id: i1
    title: Something
    description: Something happened.
    violations: [torure]
attributions:
  - id: a1
    actor: nobody
    incident: i1
    mode: ordering
"""})
    found = problems(tmp_path)
    assert found == [
        'data/a.yml:4: people[0].birth_date: "31.02.1980" is not a date; write it as '
        "YYYY-MM-DD, YYYY-MM or YYYY (e.g. 2020-04-18)",
        "data/a.yml:5: people[1].id: 'p1' is already the id of the person at data/a.yml:2; "
        "every id must be unique in the case",
        "data/a.yml:10: organisations[0].type: 'ministry' is not a known value; use one of: "
        "public_body, company, bank, organisation",
        "data/a.yml:15: incidents[0].violations[0]: 'torure' is not a known value (did you mean "
        "'torture'?); use one of: " + found[3].split("use one of: ")[1],
        "data/a.yml:18: attributions[0].actor: 'nobody' does not exist; it must be the id of a "
        "person or organisation (in attribution 'a1')",
    ]


def test_wrong_kind_of_reference_names_both_sides(tmp_path: Path) -> None:
    write_case(tmp_path, {"case.yml": CASE_YML, "data/a.yml": """\
incidents:
  - id: i1
    title: T
    description: D
    violations: torture
    victims: [i1]
"""})
    assert problems(tmp_path) == [
        "data/a.yml:6: incidents[0].victims[0]: 'i1' is the incident at data/a.yml:2, "
        "not a person or organisation (in incident 'i1')"]


def test_duplicate_ids_across_files_name_both_places(tmp_path: Path) -> None:
    write_case(tmp_path, {"case.yml": CASE_YML,
                          "data/a.yml": "people:\n  - id: x\n    names: [A]\n",
                          "data/sub/b.yml": "sources:\n  - id: x\n    title: S\n"
                                            "    reliability: A\n"})
    assert problems(tmp_path) == [
        "data/sub/b.yml:2: sources[0].id: 'x' is already the id of the person at "
        "data/a.yml:2; every id must be unique in the case"]


@pytest.mark.parametrize(("text", "expected"), [
    ("people:\n  - id: x\n   names: [A]\n", "data/a.yml:3: YAML syntax error"),
    ("people:\n  - id: x\n    id: y\n    names: [A]\n",
     "data/a.yml:3: people[0].id: is written twice (first on line 2); keep only one"),
    ("peopel:\n  - id: x\n", "data/a.yml:1: peopel: is not a known section (did you mean "
                             "'people'?)"),
    ("people: x\n", "data/a.yml:1: people: must be a list of records"),
    ("- just a list\n", "data/a.yml:1: must start with a section name"),
    ("people:\n  - just text\n", "data/a.yml:2: people[0]: must be a group of fields"),
])
def test_file_level_errors(tmp_path: Path, text: str, expected: str) -> None:
    write_case(tmp_path, {"case.yml": CASE_YML, "data/a.yml": text})
    found = problems(tmp_path)
    assert found[0].startswith(expected), found


def test_binary_and_wrong_encoding(tmp_path: Path) -> None:
    write_case(tmp_path, {"case.yml": CASE_YML})
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.yml").write_bytes("people:\n  - id: x\n    names: [Марат]\n"
                                              .encode("cp1251"))
    (tmp_path / "data" / "b.yml").write_bytes(b"\x00\x01\x02garbage")
    assert problems(tmp_path) == [
        "data/a.yml:3: is not UTF-8 text; save the file as UTF-8 and try again",
        "data/b.yml:1: contains binary data, not YAML text"]


def test_bom_is_accepted(tmp_path: Path) -> None:
    write_case(tmp_path, {"case.yml": CASE_YML})
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.yml").write_bytes("\ufeffpeople:\n  - id: x\n    names: [Ә]\n"
                                              .encode("utf-8"))
    assert load_case(tmp_path).people[0].names[0].name == "Ә"


def test_dates_in_wrong_order(tmp_path: Path) -> None:
    write_case(tmp_path, {"case.yml": CASE_YML, "data/a.yml": """\
incidents:
  - id: i1
    title: T
    description: D
    violations: torture
    date: 2020-05
    end_date: 2020-04-30
"""})
    assert problems(tmp_path) == [
        "data/a.yml:7: incidents[0].end_date: 2020-04-30 is before date 2020-05; "
        "a period cannot end before it starts"]


def test_source_files_missing_and_outside(fictional: Path) -> None:
    (fictional / "sources" / "memo.txt").write_text("tampered", encoding="utf-8")
    text = (fictional / "data" / "evidence.yml").read_text(encoding="utf-8")
    text = text.replace("title: Fictional news report",
                        "title: Fictional news report\n    file: ../outside.txt")
    text = text.replace("title: Confidential interview",
                        "title: Confidential interview\n    file: sources/missing.mp3")
    (fictional / "data" / "evidence.yml").write_text(text, encoding="utf-8")
    found = problems(fictional)
    assert not any("memo.txt" in p for p in found)  # hashes: see test_integrity.py
    assert any("sources[1].file: '../outside.txt' is outside the case folder" in p
               for p in found)
    assert any("sources[2].file: file 'sources/missing.mp3' does not exist" in p for p in found)


def test_case_yml_problems_and_missing_case(tmp_path: Path) -> None:
    write_case(tmp_path, {"case.yml": "id: Bad Id\ntitle: T\n"})
    found = problems(tmp_path)
    assert found[0].startswith("case.yml:1: id: 'Bad Id' must be lower-case letters")
    assert "case.yml:1: organisation: is required but missing" in found
    with pytest.raises(CaseNotFound, match="is not a folder"):
        load_case(tmp_path / "data")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CaseNotFound, match="has no case.yml"):
        load_case(tmp_path / "empty")
