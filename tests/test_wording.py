"""Generated prose reads as an analyst writes it: plurals and dates through Babel, no
"(s)", "is/are" or "(—)", no record ids in the narrative, one paragraph per incident."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dossier.pdf.narrative import statement_of_reasons, summary
from entities.case.loader import load_case
from entities.i18n.words import count, human_date, join
from evidence_maps.view import CaseView
from tests.conftest import EXAMPLE, FIXTURES

CLUMSY = re.compile(r"\(s\)|is/are|\(—\)|\bnone\b|\bнет\b")


def test_dates_and_plurals() -> None:
    assert human_date("2021-07-13", "en") == "13 July 2021"
    assert human_date("2021-07-13", "ru") == "13 июля 2021\u00a0г."
    assert human_date("2021-07", "en") == "July 2021"
    assert human_date("2021", "ru") == "2021"
    assert human_date(None, "en") == ""
    forms = {"one": "{n} инцидент", "few": "{n} инцидента", "many": "{n} инцидентов",
             "other": "{n} инцидента"}
    assert [count(n, "ru", forms) for n in (1, 3, 5, 21, 22)] == [
        "1 инцидент", "3 инцидента", "5 инцидентов", "21 инцидент", "22 инцидента"]
    assert count(1, "en", {"one": "one incident", "other": "{n} incidents"}) == "one incident"
    assert join(["a", "b", "c"], "en") == "a, b and c" and join(["a", "b"], "ru") == "a и b"


@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("case", [EXAMPLE, FIXTURES / "rules", FIXTURES / "fictional"])
def test_the_narrative_has_no_ids_and_no_clumsy_forms(case: object, lang: str) -> None:
    loaded = load_case(case)  # type: ignore[arg-type]
    view = CaseView.build(loaded, "government")
    ids = {r.id for r in loaded.records()}
    for target in view.targets:
        paragraphs = [*summary(loaded, target, lang),
                      *statement_of_reasons(view, target, lang)]
        text = " ".join(paragraphs)
        assert not CLUMSY.search(text), CLUMSY.search(text)
        words = set(re.findall(r"[\w-]+", text))
        assert not (words & ids - {target.name}), words & ids
        incidents = {a.incident for a in target.attributions}
        assert len(paragraphs) - len(summary(loaded, target, lang)) == 1 + len(
            target.attributions) >= 1 + len(incidents)


def test_russian_agreement_of_the_count() -> None:
    view = CaseView.build(load_case(FIXTURES / "rules"), "government")
    one = summary(view.case, view.target("o-unit"), "ru")[0]
    two = summary(view.case, view.target("p-agent"), "ru")[0]
    assert "приписывается 1 инцидент:" in one and "приписываются 2 инцидента:" in two
    assert "10 марта 2021\u00a0г." in one


def test_no_heading_alone_at_a_page_foot_and_an_overview_in_words(tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner
    from pypdf import PdfReader

    from dossier.cli import cli

    case = tmp_path / "legal"  # a copy: a build writes the case's database into its folder
    shutil.copytree(FIXTURES / "legal", case, ignore=shutil.ignore_patterns(".dossier"))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(case), "--out", str(out)])
    assert result.exit_code == 0, result.output
    alone = []
    for pdf in sorted((out / "dossiers").glob("*.pdf")):
        for number, page in enumerate(PdfReader(pdf).pages, start=1):
            text = page.extract_text() or ""
            if "Contents" in text:
                continue  # the table of contents lists the headings by design
            body = [line for line in text.splitlines() if line.strip()
                    and not line.startswith("Page ") and "PUBLIC" not in line]
            if body and re.match(r"^\d+\. [A-Z]", body[-1]):
                alone.append((pdf.name, number, body[-1]))
    assert alone == []
    overview = "".join(p.extract_text() for p in
                       PdfReader(out / "dossiers" / "overview.pdf").pages)
    assert "\nIncidents\n" in overview and "3. Incidents" not in overview
    flat = " ".join(overview.split())
    assert "Torture or cruel, inhuman or degrading treatment" in flat
    assert "prosecution_for_assembly" not in flat


def test_a_message_says_all_it_holds_in_its_repr() -> None:
    """A build digests each target's analysis through ``repr``: a message's (made once for
    equal messages) holds every value, nested messages and joins included, and differs
    wherever the messages differ — also for a value that cannot be a cache key."""
    from entities.i18n.messages import Joined, Msg

    inner = Msg.of("vocab.violation_types.torture")
    said = Joined((Msg.of("em.cell", violation=inner, v_provision="s. 1(a)"), "plain"))
    assert repr(said) == (
        "Joined(parts=(Msg(context='em.cell', values=(('v_provision', 's. 1(a)'), "
        "('violation', Msg(context='vocab.violation_types.torture', values=(), "
        "count=None))), count=None), 'plain'), separator='; ')")
    other = Joined((Msg.of("em.cell", violation=inner, v_provision="s. 1(b)"), "plain"))
    assert repr(other) != repr(said)
    listed = Msg.of("em.unread", provisions=["s. 1", "s. 2"])  # a list: no cache key
    assert "['s. 1', 's. 2']" in repr(listed) and "count=2" in repr(
        Msg.of("em.targets", count=2))
