"""The regimes analysis on a fictional legal test case (tests/fixtures/legal): every
rule of issue "Regimes as law" asserted exactly — leaders only from leadership posts, no
travel ban for an organisation, §7031(c) only for officials, Canada's victims condition,
the EU's pattern condition, the evidence and identification gates — and the regimes data
itself: every criterion cited, every cell citing one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dossier.pdf import narrative
from entities.case.loader import load_case
from evidence_maps.regime_data import RegimeDataError, parse, regime_file, regimes
from evidence_maps.regimes import Facts, RegimeFinding
from evidence_maps.view import CaseView
from tests.conftest import EXAMPLE, FIXTURES

LEGAL = FIXTURES / "legal"


@pytest.fixture
def legal(tmp_path: Path) -> Path:
    dest = tmp_path / "legal"
    shutil.copytree(LEGAL, dest, ignore=shutil.ignore_patterns(".dossier"))
    return dest


def _findings(view: CaseView) -> dict[str, dict[str, RegimeFinding]]:
    return {t.id: {f.regime.key: f for f in t.findings} for t in view.targets}


@pytest.fixture(scope="module")
def government() -> CaseView:
    return CaseView.build(load_case(LEGAL), "government")


@pytest.fixture(scope="module")
def public() -> CaseView:
    return CaseView.build(load_case(LEGAL), "public")


def test_the_clerk_of_an_accused_body_is_inferred_nothing(government: CaseView) -> None:
    assert not [a for a in government.analysis.attributions if a.actor == "p-clerk"]
    assert "p-clerk" not in _findings(government)
    check = next(f for f in government.checks if f.record == "t-clerk")
    assert (check.level, check.code) == ("warning", "post_not_leadership")
    assert "'Archive clerk of the Directorate' is not a leadership post" in check.message


def test_the_deputy_head_is_inferred_and_a_direct_attribution_stays(government: CaseView
                                                                    ) -> None:
    inferred = [a for a in government.analysis.attributions if a.inferred]
    assert [(a.actor, a.incident, a.mode) for a in inferred] == [
        ("p-deputy", "i-torture", "leader_of_entity")]
    # the officer holds a non-leadership post in the same body: no inference, and his
    # own direct attributions are untouched
    officer = {a.id for a in government.analysis.attributions if a.actor == "p-officer"}
    assert officer == {"a-officer-plain", "a-officer-journalist"}
    eu = _findings(government)["p-deputy"]["eu_ghr"]
    assert eu.outcome == "interpretation"  # EU: "leader of an entity" is not in its words


def test_an_organisation_is_never_recommended_a_travel_or_visa_ban(government: CaseView
                                                                   ) -> None:
    directorate = _findings(government)["o-directorate"]
    assert directorate["eu_ghr"].outcome == "met"
    assert directorate["eu_ghr"].measures == ["asset freeze"]
    assert directorate["us_7031c"].outcome == "not_applicable"
    assert directorate["us_7031c"].alternatives == ["US 7031(c) designates only individuals"]
    for regime in regimes().values():
        for measure in regime.measures("organisation"):
            assert not any(w in measure for w in ("travel", "visa", "entry", "inadmiss"))
    for target in government.targets:
        if target.kind == "organisation":
            for finding in target.findings:
                assert not any("travel" in m or "visa" in m for m in finding.measures)


def test_7031c_reaches_officials_only(government: CaseView) -> None:
    thug = _findings(government)["p-thug"]["us_7031c"]
    assert thug.outcome == "not_met"
    assert "recorded as not being a government official" in thug.grounds[0].reason
    # the officer's post in a public body makes him an official: the condition holds
    officer = _findings(government)["p-officer"]["us_7031c"]
    assert "condition met: the target is (or acts for) a government official" in \
        officer.grounds[0].reason
    # immediate family: the principal (the deputy head) is an official through his post
    son = _findings(government)["p-son"]["us_7031c"]
    assert "condition met: the principal is a government official" in son.grounds[0].reason
    assert son.outcome == "interpretation"  # the text of §7031(c) was not read
    assert "was not read for this tool" in son.grounds[0].reason


def test_canada_killing_of_a_non_defender_and_of_a_journalist(government: CaseView,
                                                              public: CaseView) -> None:
    grounds = {g.incident: g for g in _findings(government)["p-officer"]["ca_jvcfoa"].grounds}
    plain, journalist = grounds["i-kill-plain"], grounds["i-kill-journalist"]
    assert any("none is recorded as such" in m for m in plain.missing)
    assert "condition met" not in plain.reason
    assert "condition met: a victim sought to expose officials' illegal acts or to defend " \
           "human rights" in journalist.reason
    # the journalist is confidential: the public view still counts her, without naming her
    public_grounds = {g.incident: g for g in
                      _findings(public)["p-officer"]["ca_jvcfoa"].grounds}
    assert "condition met" in public_grounds["i-kill-journalist"].reason
    text = repr(_findings(public))
    assert "CANARYJOURNALIST" not in text and "v-journalist" not in text
    # unverified text: never "criteria met" under the Act
    assert _findings(government)["p-officer"]["ca_jvcfoa"].outcome == "interpretation"


def test_eu_assembly_prosecution_with_and_without_the_pattern(government: CaseView) -> None:
    eu = _findings(government)["p-judge"]["eu_ghr"]
    grounds = {g.incident: g for g in eu.grounds}
    alone = grounds["i-assembly"]
    assert alone.outcome == "interpretation"
    assert "does not assess the violations as widespread, systematic" in alone.reason
    pattern = grounds["i-assembly-pattern"]
    assert pattern.outcome == "met"
    assert "condition met: the analyst assesses the violations as systematic" in pattern.reason
    assert pattern.provisions == ("Decision 2020/1999 art. 1(1)(d)(iii)",
                                  "Regulation 2020/1998 recital 1 (Decision 2020/1999 arts 2–3)")
    assert eu.outcome == "met" and eu.measures == ["asset freeze", "travel ban"]


def test_the_pattern_counts_only_on_evidence_the_audience_sees(legal: Path) -> None:
    data = legal / "data" / "case.yml"
    data.write_text(data.read_text("utf-8").replace(
        "type: ngo_report, credibility: 2}", "type: ngo_report, credibility: 2, "
        "sensitivity: confidential}"), "utf-8")
    public = _findings(CaseView.build(load_case(legal), "public"))["p-judge"]["eu_ghr"]
    assert public.outcome == "interpretation"
    assert any("withheld from this version" in g.reason for g in public.grounds)


def test_a_weak_single_source_is_never_criteria_met(government: CaseView) -> None:
    eu = _findings(government)["p-weak"]["eu_ghr"]
    assert eu.outcome == "conditional" and eu.measures == []
    assert eu.missing == ("a second independent source (the evidence is graded weak; this "
                          "case asks for at least moderate)",)


def test_the_case_sets_the_minimum_grade(legal: Path) -> None:
    header = legal / "case.yml"
    header.write_text(header.read_text("utf-8") + "minimum_grade: weak\n", "utf-8")
    eu = _findings(CaseView.build(load_case(legal), "government"))["p-weak"]["eu_ghr"]
    assert eu.outcome == "met"


def test_a_draft_is_never_criteria_met_and_public_never_sees_it(government: CaseView,
                                                                public: CaseView) -> None:
    eu = _findings(government)["p-draft"]["eu_ghr"]
    assert eu.outcome == "conditional"
    assert "review of the attribution (it is a draft)" in eu.missing
    assert "p-draft" not in _findings(public)


def test_an_unidentified_body_and_a_mononym_are_never_criteria_met(government: CaseView
                                                                   ) -> None:
    unnamed = _findings(government)["o-unnamed"]["eu_ghr"]
    assert unnamed.outcome == "conditional" and unnamed.measures == []
    assert "the target's identity (the sources do not say who it is)" in unnamed.missing
    mononym = _findings(government)["p-mononym"]["eu_ghr"]
    assert mononym.missing == ("the target's full name",)


def test_corruption_by_a_private_person(government: CaseView) -> None:
    private = _findings(government)["p-private"]
    assert private["us_7031c"].outcome == "not_met"
    assert private["eu_ghr"].outcome == "not_met"
    assert private["eu_ghr"].grounds[0].reason == "EU GHRSR does not reach 'Significant " \
                                                  "corruption'"
    glomag = private["us_glomag"]
    assert glomag.outcome == "interpretation"
    assert any("must be a current or former government official, or act for or on behalf "
               "of one" in m for m in glomag.missing)
    canada = private["ca_jvcfoa"]
    assert any("foreign public official, or an associate" in m for m in canada.missing)
    assert "UK GAC" in {f.regime.short for f in private.values()
                        if f.outcome == "interpretation"}


def test_australia_family_needs_a_listed_principal(government: CaseView) -> None:
    au = _findings(government)["p-son"]["au_magnitsky"]
    assert any("must already be designated by AU; screen them" in m for m in au.missing)
    facts = Facts(government.case, government.shown)
    assert facts.listed("p-deputy", "au") is None  # not screened: the condition stays open


def test_the_summary_says_only_what_holds(government: CaseView) -> None:
    unnamed = government.target("o-unnamed")
    text = " ".join(narrative.summary(government.case, unnamed, "en"))
    assert "under none" not in text and "Designation criteria met" not in text
    assert "No measure is recommended until the criteria of a regime are met." in text
    directorate = " ".join(narrative.summary(government.case,
                                             government.target("o-directorate"), "en"))
    assert "Designation criteria met: EU GHRSR." in directorate
    assert "Recommended measures: asset freeze under EU GHRSR." in directorate
    assert "travel" not in directorate


def test_every_regime_cites_its_criteria() -> None:
    data = regime_file()
    assert set(data.regimes) >= {"us_glomag", "us_7031c", "uk_ghr", "uk_gac", "eu_ghr",
                                 "ca_jvcfoa", "ca_sema", "au_magnitsky"}
    for key, regime in data.regimes.items():
        assert regime.standard.words and regime.standard.provision, key
        assert regime.read, key
        for name, criterion in regime.criteria.items():
            assert criterion.provision.strip() and criterion.text.strip(), (key, name)
        if not regime.verified:
            assert regime.not_read, f"{key}: say what was not read"
        for cell in [*regime.modes.values(), *regime.violations.values()]:
            assert cell.cite in regime.criteria
        assert "person" in regime.targets


def test_regimes_data_is_validated_at_load() -> None:
    text = (Path(__file__).parents[1] / "evidence_maps" / "regimes.yml").read_text("utf-8")
    with pytest.raises(RegimeDataError, match="cites 'nowhere'"):
        parse(text.replace("torture: {level: yes, cite: abuse}",
                           "torture: {level: yes, cite: nowhere}", 1))
    with pytest.raises(RegimeDataError, match="names its condition"):
        parse(text.replace("torture: {level: yes, cite: abuse}",
                           "torture: {level: conditional, cite: abuse}", 1))
    with pytest.raises(RegimeDataError, match="not in the case vocabulary"):
        parse(text.replace("torture: {level: yes, cite: abuse}",
                           "tortures: {level: yes, cite: abuse}", 1))


def test_regime_pages_are_current() -> None:
    from evidence_maps.regime_docs import pages

    folder = Path(__file__).parents[1] / "docs" / "regimes"
    for name, text in pages().items():
        assert (folder / name).read_text("utf-8") == text, \
            f"regenerate docs/regimes: python -m evidence_maps.regime_docs ({name})"
    assert {p.name for p in folder.glob("*.md")} == set(pages())


@pytest.mark.parametrize("audience", ["public", "government"])
def test_the_example_recommends_no_ban_for_a_body_and_nothing_for_the_unidentified(
        audience: str) -> None:
    view = CaseView.build(load_case(EXAMPLE), audience, include_drafts=True)
    by_id = _findings(view)
    for target in view.targets:
        for finding in target.findings:
            if target.kind == "organisation":
                assert not any("travel" in m or "visa" in m for m in finding.measures)
    for unidentified in ("special-services", "troll-factory"):
        assert {f.outcome for f in by_id[unidentified].values()} <= {
            "conditional", "interpretation", "not_met", "not_applicable"}
        assert not any(f.measures for f in by_id[unidentified].values())


def test_a_list_check_cannot_settle_7031c() -> None:
    from evidence_maps.designations import JurisdictionStatus, TargetDesignations

    us = JurisdictionStatus("us", "not_found", lists=["us_ofac_sdn"])
    assert "a list check cannot confirm or exclude a §7031(c) designation" in us.describe()
    outcome = TargetDesignations("t", "T", ["us_ofac_sdn"], [], 0,
                                 [us, JurisdictionStatus("gb", "not_found")])
    sentence = outcome.gap_sentence()
    assert sentence.startswith("No listing found for United States, United Kingdom in "
                               "us_ofac_sdn; US 7031(c): Designations under §7031(c) may be "
                               "public")
    assert ".." not in sentence
    assert JurisdictionStatus("gb", "not_found").describe() == "no listing found"


def test_australia_family_condition_decided_by_screening(government: CaseView) -> None:
    from entities.screening.model import Designation, Match
    from evidence_maps.designations import (
        DesignationReport,
        JurisdictionStatus,
        Listing,
        TargetDesignations,
    )
    from evidence_maps.regimes import assess

    def report(status: str) -> DesignationReport:
        designation = Designation("DFAT", "Thematic", "au")
        match = Match("x", "Bolat Fiktivov", "Person", 0.99, [], [], [designation], "au")
        listings = [Listing("au", designation, match, True)] if status == "designated" else []
        deputy = TargetDesignations("p-deputy", "Bolat Fiktivov", ["au_dfat_sanctions"], [],
                                    0, [JurisdictionStatus("au", status, listings)])
        return DesignationReport([], {"p-deputy": deputy}, ["au"])

    son = government.target("p-son")
    for status, expected in (("designated", "condition met: the principal is designated by "
                                            "AU (screening)"),
                             ("not_found", "screening found no designation of the principal "
                                           "by AU")):
        facts = Facts(government.case, government.shown, report(status))
        au = next(f for f in assess(facts, son.id, son.kind, son.attributions)
                  if f.regime.key == "au_magnitsky")
        assert expected in au.grounds[0].reason
        assert au.outcome == ("interpretation" if status == "designated" else "not_met")


def test_a_regime_read_anew_is_assessed_anew(government: CaseView,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """What a ground says for a regime, violation and mode is worked out once per regime
    *object*: another reading of the regimes (a mended regimes.yml) is never answered
    from the first one's, nor the first one from it."""
    from evidence_maps import regimes as regimes_module

    target = next(t for t in government.targets if t.id == "p-officer")
    facts = Facts(government.case, government.shown, government.screening)
    before = regimes_module.assess(facts, target.id, target.kind, target.attributions)
    ground = next(f for f in before if f.regime.key == "us_7031c").grounds[0]
    stock = regimes()["us_7031c"]
    narrowed = stock.model_copy(update={"violations": {
        k: v for k, v in stock.violations.items() if k != ground.violation}})
    monkeypatch.setattr(regimes_module, "regimes",
                        lambda: {**regimes(), "us_7031c": narrowed})
    after = regimes_module.assess(facts, target.id, target.kind, target.attributions)
    changed = next(f for f in after if f.regime.key == "us_7031c")
    same = next(g for g in changed.grounds if g.attribution == ground.attribution
                and g.violation == ground.violation)
    assert same.outcome == "not_met" and "does not reach" in same.reason
    monkeypatch.undo()
    again = regimes_module.assess(facts, target.id, target.kind, target.attributions)
    assert [(g.outcome, g.reason) for f in again for g in f.grounds] == \
        [(g.outcome, g.reason) for f in before for g in f.grounds]
