"""What an audience may see is decided once, by the case view, and every output obeys it
(REDTEAM defects 2, 3, 5 and 8, each reproduced on a fictional case with canaries).

- 2: a confidential tenure is not named in the statement of reasons;
- 3: the title of a confidential post is named nowhere, not even through a visible
  tenure pointing at it (identification, workbook, map, timeline, inference);
- 5: ids of attributions held back because their evidence is withheld, or whose incident
  is withheld, appear in no output for that audience (overview, evidence map, check);
- 8: withheld contrary evidence is neither "no contrary information" nor supporting
  evidence: it is a contrary placeholder, and it lowers the grade.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from dossier.build import build_case
from dossier.cli import cli
from entities.case.levels import visible_ids
from entities.case.loader import load_case
from evidence_maps.view import CaseView
from tests.conftest import FIXTURES
from tests.test_leaks import _texts

EXTRA = """\
people:
  - id: p-officer
    names: [Officer Fictivny]
    birth_date: 1970-01-01
    nationality: KZ
  - id: w-first
    names: [CANARYFIRSTWITNESS]
    statuses: [witness]
    sensitivity: confidential
  - id: w-second
    names: [CANARYSECONDWITNESS]
    statuses: [witness]
    sensitivity: confidential
positions:
  - id: pos-canary
    leadership: true
    title: CANARYSECRETPOST
    organisation: directorate
    sensitivity: confidential
  - id: pos-first
    leadership: true
    title: CANARYFIRSTPOST
    organisation: directorate
  - id: pos-open
    leadership: true
    title: Open Post of the Directorate
    organisation: directorate
tenures:
  - id: ten-canary-first
    person: p-officer
    position: pos-first
    start: 1999-09
    end: 2001-03
    evidence: [ev-memo]
    sensitivity: confidential
  - id: ten-to-secret-post
    person: p-officer
    position: pos-canary
    start: 2019-01
    end: 2022-12
    evidence: [ev-memo]
  - id: ten-open
    person: p-officer
    position: pos-open
    start: 2018-01
    end: 2023-12
    evidence: [ev-memo]
sources:
  - id: s-canary-contrary
    title: CANARYCONTRARYSOURCE
    reliability: B
    sensitivity: confidential
evidence:
  - id: ev-canary-contrary
    source: s-canary-contrary
    locator: p. 9
    type: direct_testimony
    credibility: 2
    excerpt: CANARYCONTRARYEXCERPT the officer was abroad
incidents:
  - id: i-first
    title: First fictional interrogation
    date: 2021-07-01
    description: fictional
    violations: [torture]
    victims: [w-first]
  - id: i-second
    title: Second fictional interrogation
    date: 2024-01-15
    description: fictional
    violations: [torture]
    victims: [w-second]
  - id: i-canary-secret
    title: CANARYSECRETINCIDENT
    date: 2021-06-02
    description: fictional
    violations: [torture]
    evidence: [ev-memo]
    sensitivity: confidential
attributions:
  - id: a-officer
    actor: p-officer
    incident: inc-detention
    mode: ordering
    evidence: [ev-memo]
    contrary_evidence: [ev-canary-contrary]
    status: reviewed
  - id: a-canaryheldid
    actor: directorate
    incident: inc-detention
    mode: aiding_abetting
    evidence: [ev-secret]
    status: reviewed
  - id: a-canaryoninc
    actor: directorate
    incident: i-canary-secret
    mode: ordering
    evidence: [ev-memo]
  - id: a-dir-two
    actor: directorate
    incident: i-second
    mode: ordering
    evidence: [ev-memo, ev-secret]
    status: reviewed
  - id: a-officer-two
    actor: p-officer
    incident: i-first
    mode: ordering
    evidence: [ev-memo]
    status: reviewed
"""
#: never in any public output
HIDDEN = ["CANARYSECRETPOST", "a-canaryheldid", "a-canaryoninc", "CANARYSECRETINCIDENT",
          "CANARYCONTRARYSOURCE", "CANARYCONTRARYEXCERPT", "ten-canary-first",
          "CANARYFIRSTWITNESS", "CANARYSECONDWITNESS", "w-first", "w-second",
          "victim(s) withheld"]
#: never in what describes the officer (the post exists publicly, the tenure does not)
HIDDEN_TENURE = ["CANARYFIRSTPOST", "1999-09", "2001-03"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("visibility")
    case = root / "case"
    shutil.copytree(FIXTURES / "fictional", case, ignore=shutil.ignore_patterns(".dossier"))
    (case / "data" / "visibility.yml").write_text(EXTRA, "utf-8")
    out = root / "public"
    build_case(case, out, "public")
    build_case(case, root / "parliament", "parliament")
    result = CliRunner().invoke(cli, ["check", str(case), "--json"])
    (out / "check.json").write_text(result.output, "utf-8")
    return case, out


def _pdf(case: Path, out: Path, target: str, audience: str = "public") -> str:
    view = CaseView.build(load_case(case), audience)
    path = out / "dossiers" / f"{view.target_stem(target)}.pdf"
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _officer_pdf(case: Path, out: Path) -> str:
    return _pdf(case, out, "p-officer")


def test_one_rule_decides_visibility(built: tuple[Path, Path]) -> None:
    shown = visible_ids(load_case(built[0]), "public")
    assert "ten-to-secret-post" not in shown  # its post is confidential
    assert "a-canaryoninc" not in shown       # its incident is confidential
    assert "ev-canary-contrary" not in shown and "ten-open" in shown


def test_no_hidden_material_in_any_public_output(built: tuple[Path, Path]) -> None:
    texts = _texts(built[1])
    leaks = [(canary, name) for name, text in texts.items() for canary in HIDDEN
             if canary.lower() in text.lower()]
    assert leaks == []
    described = {name: text for name, text in texts.items()
                 if name.endswith((".pdf", ".xlsx", ".svg")) and "overview" not in name}
    leaks = [(canary, name) for name, text in described.items() for canary in HIDDEN_TENURE
             if canary in text]
    assert leaks == []
    assert any("Open Post of the Directorate" in t for t in described.values())


def test_statement_of_reasons_names_a_visible_post(built: tuple[Path, Path]) -> None:
    text = _officer_pdf(*built)
    reasons = text.split("9. Draft statement of reasons")[-1]
    assert "Open Post of the Directorate (January 2018 – December 2023)" in \
        reasons.replace("\n", " ")


def test_withheld_contrary_evidence_is_said_and_lowers_the_grade(built: tuple[Path, Path]
                                                                 ) -> None:
    """Parliament sees a placeholder for it; the public sees nothing of it (a placeholder
    tells a small community that a confidential source exists), and no claim that the
    case records none; both get the lowered grade."""
    parliament = _pdf(built[0], built[1].parent / "parliament", "p-officer", "parliament")
    assert "No contrary or exculpatory information" not in parliament
    contrary = parliament.split("7. Contrary or exculpatory information")[-1]
    assert "Withheld item 1" in contrary.split("8. Existing designations")[0]
    assert "[withheld: confidential material]" in parliament
    text = _officer_pdf(*built)
    assert "Withheld item" not in text and "withheld" not in text.lower()
    assert "No contrary or exculpatory information is recorded" not in text
    assert "This version includes no contrary or exculpatory information." in text
    role = text.split("4. Role and responsibility")[-1].split("5. Evidence register")[0]
    cited = next(line for line in role.splitlines() if line.startswith("Evidence:"))
    assert cited == "Evidence: ev-memo (a-officer)"  # not among the supporting evidence
    public = json.loads((built[1] / "evidence_map.json").read_text("utf-8"))
    grade = next(a for a in public["attributions"] if a["id"] == "a-officer")
    government = CaseView.build(load_case(built[0]), "government").analysis
    assert grade["grade"] == next(a.grade.level for a in government.attributions
                                  if a.id == "a-officer") == "weak"
    assert "lowered one step: the case's contrary information" in grade["reasons"]


def test_the_case_team_is_still_told_what_was_held_back(built: tuple[Path, Path]) -> None:
    view = CaseView.build(load_case(built[0]), "public")
    held = {h.attribution: h for h in view.analysis.held_back}
    assert held["a-canaryheldid"].hidden
    assert not any("a-canaryoninc" in str(f) or "a-canaryheldid" in str(f)
                   for f in [*view.findings, *view.checks])


def test_each_dossier_numbers_its_own_withheld_items_and_pseudonyms(
        built: tuple[Path, Path]) -> None:
    """REDTEAM defect 14: numbered across the case, "Withheld item 2" or "Witness B" in one
    dossier told its reader that more was withheld elsewhere."""
    out = built[1].parent / "parliament"
    officer, directorate = (_pdf(built[0], out, "p-officer", "parliament"),
                            _pdf(built[0], out, "directorate", "parliament"))
    for text in (officer, directorate):
        assert "Withheld item 1" in text and "Withheld item 2" not in text
        assert "Witness A" in text and "Witness B" not in text
    for target in ("p-officer", "directorate"):
        assert "Withheld item" not in _pdf(*built, target)  # the public: left out entirely
    assert "victim(s) withheld" not in officer + directorate  # no counts either


def test_checks_count_only_the_sources_the_audience_sees(built: tuple[Path, Path]) -> None:
    """With a confidential second source, the public version rests on one source and
    says so; the government's does not."""
    public = json.loads((built[1] / "check.json").read_text("utf-8"))
    assert {"code": "single_source", "record": "a-dir-two"}.items() <= next(
        f for f in public if f["record"] == "a-dir-two" and f["code"] == "single_source"
    ).items()
    government = CaseView.build(load_case(built[0]), "government").findings
    assert not any(f.record == "a-dir-two" and f.code == "single_source" for f in government)
