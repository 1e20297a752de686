"""Submission packs (dossier submit) on the fictional legal case: one per target and
regime met (or conditional; with --arguable also by interpretation), addressed to the
regime's office, with the regime's own parts, the analyst's arguments or a plain note
where one is missing, and a layout without overlapping or stray text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportlab.pdfgen.canvas import Canvas

from dossier.cli import cli
from dossier.submit import submit_case
from entities.exc import InvalidCase
from evidence_maps.regime_data import regimes
from evidence_maps.submissions import rules
from tests import layout
from tests.test_pdf import pdf_text

LEGAL = Path(__file__).parent / "fixtures" / "legal"


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("packs")
    case = root / "legal"
    shutil.copytree(LEGAL, case)
    out = root / "out"
    submit_case(case, out, arguable=True)
    return out


def _pack(out: Path, regime: str, name: str) -> str:
    (path,) = (out / regime).glob(f"{name}-*.pdf")
    return " ".join(pdf_text(path).split())


def test_every_regime_has_submission_rules() -> None:
    assert set(rules()) == set(regimes())
    for rule in rules().values():
        assert rule.address and rule.request and rule.fields


def test_packs_only_where_the_outcome_allows(tmp_path: Path) -> None:
    case = tmp_path / "legal"
    shutil.copytree(LEGAL, case)
    result = submit_case(case, tmp_path / "out")
    outcomes = {(p.regime, p.target.id): p.finding.outcome for p, _ in result.packs}
    assert outcomes[("eu_ghr", "p-thug")] == "met"
    assert outcomes[("eu_ghr", "p-weak")] == "conditional"
    assert set(outcomes.values()) <= {"met", "conditional"}
    assert not [k for k in outcomes if k[0] != "eu_ghr"]  # the others: by interpretation
    assert ("eu_ghr", "o-company") not in outcomes  # EU does not reach its conduct
    names = sorted(p.name for p in (tmp_path / "out" / "eu_ghr").iterdir())
    assert "yerzhan-kulakov-" in names[-1] or any(n.startswith("yerzhan-kulakov-")
                                                  for n in names)


def test_an_eu_pack_is_addressed_and_argued_as_the_eu_asks(packs: Path) -> None:
    text = _pack(packs, "eu_ghr", "yerzhan-kulakov")
    for part in ("Submission under EU Global Human Rights Sanctions Regime",
                 "To the Member State sponsoring the listing and the High Representative",
                 "1. Cover letter", "2. Legal basis", "3. Standard of proof",
                 "4. Submitting organisation", "Fictional Partner Centre", "5. Identification",
                 "6. Incidents", "7. Role and responsibility", "8. The regime's considerations",
                 "Sponsoring Member State", "briefed the foreign ministry",
                 "Why the reasons will stand in Court", "Not written.",
                 "submissions → p-thug → eu_ghr → court_review",
                 "Evidence that can be disclosed to the listed person",
                 "unanimously", "General Court", "Contrary or exculpatory information",
                 "Existing designations", "Draft statement of reasons", "Evidence register",
                 "Annex", "Guidance this submission follows",
                 "we ask that the following measures be imposed: asset freeze and travel ban",
                 "Contact for this submission: Fictional Contact"):
        assert part in text, part


def test_a_conditional_pack_asks_for_no_measure(packs: Path) -> None:
    text = _pack(packs, "eu_ghr", "marat-slabov")
    assert "once the following is established" in text
    assert "we do not ask for measures" in text
    assert "measures be imposed" not in text


def test_regime_specific_parts(packs: Path) -> None:
    us = _pack(packs, "us_glomag", "yerzhan-kulakov")
    assert "U.S. Department of State and the U.S. Department of the Treasury" in us
    assert "Why a designation serves the U.S. national interest" in us
    assert "Expected impact of a designation" in us
    assert "rests on a reading of the instrument" in us  # by interpretation: argued
    uk = _pack(packs, "uk_ghr", "yerzhan-kulakov")
    assert "Why designation is appropriate" in uk
    assert "The protection of human rights defenders." in uk  # the analyst's text
    assert "Status of the victims" in uk
    au = _pack(packs, "au_magnitsky", "marat-slabov")
    assert "Where the conduct took place" in au
    assert "does not record the country of every incident" in au  # the fixture gives none
    assert "Attorney-General" in au
    ca = _pack(packs, "ca_jvcfoa", "yerzhan-kulakov")
    assert "Links to Canada" in ca and "Global Affairs Canada" in ca
    gac = _pack(packs, "uk_gac", "fictikor-trading-llp")
    assert "We did not read this guidance" in gac


def test_where_the_conduct_took_place() -> None:
    from evidence_maps.submissions import Pack

    rule = rules()["au_magnitsky"]

    def outside(countries: dict[str, str]) -> bool | None:
        return Pack(None, None, rule, {}, [], countries=countries).conduct_outside  # type: ignore[arg-type]

    assert outside({"i1": "kz", "i2": ""}) is True  # one abroad is enough
    assert outside({"i1": "au"}) is False
    assert outside({"i1": "au", "i2": ""}) is None
    assert outside({}) is None


def test_packs_lay_out_cleanly(packs: Path) -> None:
    for path in sorted(packs.rglob("*.pdf"))[:12]:
        assert layout.problems(path, min_size=7, pictures=True) == [], path


def test_the_layout_check_finds_overlaps(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    canvas = Canvas(str(path))
    canvas.drawString(100, 700, "first line of text")
    canvas.drawString(104, 707, "second line of text")
    canvas.drawString(2, 400, "off the page edge")
    canvas.save()
    found = layout.problems(path)
    assert any("overlaps" in f for f in found) and any("margins" in f for f in found)


def test_mistakes_in_the_submissions_block_are_located(tmp_path: Path) -> None:
    case = tmp_path / "legal"
    shutil.copytree(LEGAL, case)
    header = case / "case.yml"
    header.write_text(header.read_text("utf-8").replace(
        "    uk_ghr:\n      priority_theme:", "    uk_gr:\n      priority_theme:").replace(
        "      member_state: >-", "      sponsor: >-") + "  p-nobody:\n    eu_ghr: {}\n",
        "utf-8")
    with pytest.raises(InvalidCase) as caught:
        submit_case(case, tmp_path / "out")
    messages = [str(p) for p in caught.value.problems]
    assert any("case.yml:" in m and "'uk_gr' is not a regime" in m for m in messages)
    assert any("'sponsor' is not an argument of eu_ghr" in m and "member_state" in m
               for m in messages)
    assert any("'p-nobody' is not the id of a person or organisation" in m for m in messages)
    assert not (tmp_path / "out").exists()


def test_the_command(tmp_path: Path) -> None:
    case = tmp_path / "legal"
    shutil.copytree(LEGAL, case)
    result = CliRunner().invoke(cli, ["submit", str(case), "--out", str(tmp_path / "out"),
                                      "--regime", "eu_ghr", "--regime", "us_glomag"])
    assert result.exit_code == 0, result.output
    assert "EU GHRSR: criteria met" in result.output
    assert "no pack under us_glomag" in result.output and "--arguable" in result.output
    bad = CliRunner().invoke(cli, ["submit", str(case), "--out", str(tmp_path / "o2"),
                                   "--regime", "us_magnitsky"])
    assert bad.exit_code == 2 and "'us_magnitsky' is not a regime" in bad.output
