"""Free text never names someone its audience may not see: every name and alias, in every
script, declined, or as an initial with a surname, stops the build with a located
message — or, when the case pseudonymises free text, is replaced (fictional names)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dossier.build import build_case
from entities.case.levels import visible_ids
from entities.case.loader import load_case
from entities.exc import InvalidCase
from evidence_maps.free_text import find_protected_names
from evidence_maps.pseudonyms import pseudonyms
from tests.conftest import FIXTURES
from tests.test_leaks import _texts

PROTECTED = """\
people:
  - id: w-protected
    names:
      - {name: Жанибек Адилбекулы, lang: ru}
      - {name: Zhanibek Adilbekuly, lang: en}
    statuses: [witness]
    sensitivity: confidential
organisations:
  - id: o-protected
    names: [Fictional Secret Unit]
    sensitivity: restricted
incidents:
  - id: i-text
    title: Fictional hearing
    date: 2021-05-05
    description: TEXT
    violations: [unfair_trial]
attributions:
  - id: a-text
    actor: directorate
    incident: i-text
    mode: ordering
    evidence: [ev-memo]
    status: reviewed
"""


def _case(tmp_path: Path, text: str, extra: str = "") -> Path:
    case = tmp_path / "case"
    shutil.copytree(FIXTURES / "fictional", case, ignore=shutil.ignore_patterns(".dossier"))
    quoted = json.dumps(text, ensure_ascii=False)  # a YAML double-quoted string
    (case / "data" / "protected.yml").write_text(PROTECTED.replace("TEXT", quoted) + extra,
                                                 "utf-8")
    return case


def _found(case: Path, audience: str = "public") -> list[str]:
    loaded = load_case(case)
    shown = visible_ids(loaded, audience)
    return [h.found for h in find_protected_names(loaded, shown, pseudonyms(loaded, shown))]


@pytest.mark.parametrize(("text", "found"), [
    ("The witness Zhanibek Adilbekuly saw the order.", "Zhanibek Adilbekuly"),
    ("Adilbekuly, Zhanibek was questioned.", "Adilbekuly, Zhanibek"),
    ("Свидетель Жанибек Адилбекулы видел приказ.", "Жанибек Адилбекулы"),
    ("По словам Жанибека Адилбекулы, приказ подписан.", "Жанибека Адилбекулы"),
    ("Ж. Адилбекулы рассказал о допросе.", "Ж. Адилбекулы"),
    ("As Adilbekuly Zh. told the court.", "Adilbekuly Zh."),
    ("Жәнібек Әділбекұлының айтуынша бұйрыққа қол қойылған.", "Жәнібек Әділбекұлының"),
    ("Zhanibek  (a teacher)  Adilbekuly was present.", "Zhanibek  (a teacher)  Adilbekuly"),
    ("Officers of the Fictional Secret Unit searched the flat.", "Fictional Secret Unit"),
])
def test_a_protected_name_in_any_form_is_found(tmp_path: Path, text: str, found: str) -> None:
    assert _found(_case(tmp_path, text)) == [found]


@pytest.mark.parametrize("text", [
    "Mr Adilbekuly alone is not enough to name anyone.",  # a surname alone: no
    "Aru Testova, the journalist, was detained.",           # a visible person: no
    "A fictional teacher from Zhanibek village testified.",  # one part, another word
])
def test_what_is_not_a_protected_name(tmp_path: Path, text: str) -> None:
    assert _found(_case(tmp_path, text)) == []


def test_the_audience_decides_who_is_protected(tmp_path: Path) -> None:
    case = _case(tmp_path, "Officers of the Fictional Secret Unit questioned Zhanibek "
                           "Adilbekuly.")
    assert len(_found(case, "public")) == 2
    assert _found(case, "parliament") == ["Zhanibek Adilbekuly"]  # the unit is restricted
    assert _found(case, "government") == []


def test_a_name_a_visible_record_bears_is_not_protected(tmp_path: Path) -> None:
    namesake = "  - id: p-namesake\n    names: [Zhanibek Adilbekuly]\n"
    case = _case(tmp_path, "Zhanibek Adilbekuly, the public official, spoke.")
    text = (case / "data" / "protected.yml").read_text("utf-8")
    (case / "data" / "protected.yml").write_text(
        text.replace("people:\n", "people:\n" + namesake, 1), "utf-8")
    assert _found(case) == []


def test_the_build_stops_with_a_located_message(tmp_path: Path) -> None:
    case = _case(tmp_path, "Свидетель Ж. Адилбекулы видел приказ.")
    with pytest.raises(InvalidCase) as info:
        build_case(case, tmp_path / "out", "public")
    [problem] = info.value.problems
    assert problem.file == "data/protected.yml" and problem.field == "incidents[0].description"
    assert problem.line == 16
    assert "names 'Ж. Адилбекулы', a confidential witness (data/protected.yml:2)" in \
        problem.message
    assert "pseudonymise_free_text: true" in problem.message
    assert not (tmp_path / "out").exists()
    build_case(case, tmp_path / "gov", "government")  # the government may see him


def test_pseudonymised_free_text_names_nobody(tmp_path: Path) -> None:
    case = _case(tmp_path, "Свидетель Ж. Адилбекулы видел, как Fictional Secret Unit "
                           "увёл Zhanibek Adilbekuly.")
    meta = case / "case.yml"
    meta.write_text(meta.read_text("utf-8") + "pseudonymise_free_text: true\n", "utf-8")
    out = tmp_path / "out"
    build_case(case, out, "public")
    texts = _texts(out)
    everything = "\n".join(texts.values())
    for name in ("Адилбекулы", "Adilbekuly", "Fictional Secret Unit", "Zhanibek"):
        assert name not in everything, name
    dossiers = "\n".join(t for n, t in texts.items() if n.endswith(".pdf"))
    assert "[protected witness]" in dossiers and "[protected organisation]" in dossiers
    source = (case / "data" / "protected.yml").read_text("utf-8")
    assert "Ж. Адилбекулы" in source  # the case itself is untouched
