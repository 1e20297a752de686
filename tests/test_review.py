"""Review you can trust: a decision always names its reviewer, a rejection or a
reopening says why, each is in the audit log, a rejected attribution is in no output, and
a four-eyes case needs a reviewer other than whoever entered the attribution."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dossier.cli import cli
from entities.case.loader import load_case
from entities.case.model import Attribution
from entities.db.audit import read_log
from evidence_maps.view import CaseView


def _review(case: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["review", str(case), *args],
                                env={"DOSSIER_USER": "", **(env or {})})
    return result.exit_code, result.output


def _att(case: Path, local_id: str) -> Attribution:
    record = load_case(case).index[local_id]
    assert isinstance(record, Attribution)
    return record


def test_a_review_needs_a_reviewer(fictional: Path) -> None:
    code, output = _review(fictional, "--approve", "att-chief")
    assert code == 2 and "say who decides: --by" in output
    assert _att(fictional, "att-chief").status == "draft"
    code, output = _review(fictional, "--approve", "att-chief",
                           env={"DOSSIER_USER": "Env Reviewer"})
    assert code == 0, output
    assert _att(fictional, "att-chief").reviewed_by == "Env Reviewer"


def test_reject_and_reopen_say_who_and_why(fictional: Path) -> None:
    code, output = _review(fictional, "--reject", "att-chief", "--by", "A. Lead")
    assert code == 1 and "say why you reject it" in output
    code, output = _review(fictional, "--reject", "att-chief", "--by", "A. Lead",
                           "--reason", "the witness withdrew")
    assert code == 0, output
    att = _att(fictional, "att-chief")
    assert (att.status, att.reviewed_by, att.review_reason) == (
        "rejected", "A. Lead", "reject: the witness withdrew")
    for audience in ("public", "parliament", "government"):
        view = CaseView.build(load_case(fictional), audience, include_drafts=True)
        assert "att-chief" not in {a.id for a in view.analysis.attributions}
    government = CaseView.build(load_case(fictional), "government", include_drafts=True)
    assert {h.attribution: h.reason for h in government.analysis.held_back}[
        "att-chief"] == "rejected by a reviewer"
    code, output = _review(fictional, "--approve", "att-chief", "--by", "B. Other")
    assert code == 1 and "is rejected; it cannot be approved (reopen it first)" in output
    code, output = _review(fictional, "--reopen", "att-chief", "--by", "B. Other",
                           "--reason", "a second witness came forward")
    assert code == 0, output
    assert _att(fictional, "att-chief").status == "draft"
    entries = [e for e in read_log(fictional) if e.action == "review"]
    assert [(e.actor, e.after["status"], e.after.get("reason")) for e in entries] == [
        ("A. Lead", "rejected", "the witness withdrew"),
        ("B. Other", "draft", "a second witness came forward")]


def test_four_eyes(fictional: Path, tmp_path: Path) -> None:
    header = fictional / "case.yml"
    header.write_text(header.read_text("utf-8") + "review: four_eyes\n", "utf-8")
    code, output = _review(fictional, "--approve", "att-chief", "--by", "A. Analyst")
    assert code == 1 and "who entered this attribution is not recorded" in output
    data = fictional / "data" / "incidents.yml"
    data.write_text(data.read_text("utf-8").replace(
        "  - id: att-chief\n", "  - id: att-chief\n    entered_by: A. Analyst\n"), "utf-8")
    code, output = _review(fictional, "--approve", "att-chief", "--by", "a. analyst")
    assert code == 1 and "requires four eyes, so another reviewer must approve it" in output
    code, output = _review(fictional, "--approve", "att-chief", "--by", "B. Reviewer")
    assert code == 0, output
    assert _att(fictional, "att-chief").status == "reviewed"


def test_an_import_records_who_entered_the_attributions(fictional: Path, tmp_path: Path
                                                        ) -> None:
    sheet = tmp_path / "attributions.csv"
    sheet.write_text("id,actor,incident,mode,evidence\n"
                     "att-new,chief,inc-detention,ordering,ev-secret\n", "utf-8")
    result = CliRunner().invoke(cli, ["import", str(fictional), str(sheet), "--by",
                                      "C. Enterer"])
    assert result.exit_code == 0, result.output
    assert _att(fictional, "att-new").entered_by == "C. Enterer"
    header = fictional / "case.yml"
    header.write_text(header.read_text("utf-8") + "review: four_eyes\n", "utf-8")
    entry = [e for e in read_log(fictional) if e.action == "import"][-1]
    assert entry.actor == "C. Enterer"
    # imported, and approved like any other (four eyes: by someone else)
    code, output = _review(fictional, "--approve", "att-new", "--by", "c. enterer")
    assert code == 1 and "another reviewer must approve it" in output
    code, output = _review(fictional, "--approve", "att-new", "--by", "D. Other")
    assert code == 0, output
    assert _att(fictional, "att-new").status == "reviewed"


def test_a_review_of_an_imported_row_survives_its_import_again(fictional: Path,
                                                                tmp_path: Path) -> None:
    sheet = tmp_path / "attributions.csv"
    row = "att-new,chief,inc-detention,ordering,ev-secret"
    sheet.write_text(f"id,actor,incident,mode,evidence\n{row}\n", "utf-8")
    assert CliRunner().invoke(cli, ["import", str(fictional), str(sheet), "--by",
                                    "C. Enterer"]).exit_code == 0
    code, output = _review(fictional, "--approve", "att-new", "--by", "D. Other")
    assert code == 0, output
    result = CliRunner().invoke(cli, ["import", str(fictional), str(sheet)])
    assert result.exit_code == 0 and "0 changed" in result.output, result.output
    kept = _att(fictional, "att-new")
    assert kept.status == "reviewed" and kept.reviewed_by == "D. Other"
    assert kept.entered_by == "C. Enterer"
    # the row itself changed: the approval was of something else, so it is a draft again
    changed = row.replace("ordering", "aiding_abetting")
    sheet.write_text(f"id,actor,incident,mode,evidence\n{changed}\n", "utf-8")
    result = CliRunner().invoke(cli, ["import", str(fictional), str(sheet)])
    assert result.exit_code == 0 and "1 changed" in result.output, result.output
    assert _att(fictional, "att-new").status == "draft"


def test_four_eyes_holds_for_imported_rows_too(fictional: Path, tmp_path: Path) -> None:
    header = fictional / "case.yml"
    header.write_text(header.read_text("utf-8") + "review: four_eyes\n", "utf-8")
    sheet = tmp_path / "attributions.csv"
    sheet.write_text("id,actor,incident,mode,evidence,status,reviewed_by\n"
                     "att-new,chief,inc-detention,ordering,ev-secret,reviewed,C. Enterer\n",
                     "utf-8")
    result = CliRunner().invoke(cli, ["import", str(fictional), str(sheet), "--by",
                                      "C. Enterer"])
    assert result.exit_code == 1 and "requires four eyes" in result.output
    assert "att-new" not in load_case(fictional).index
    result = CliRunner().invoke(cli, ["import", str(fictional), str(sheet), "--by",
                                      "E. Second"])
    assert result.exit_code == 0, result.output


def test_the_internal_report_stays_with_the_team(fictional: Path, tmp_path: Path) -> None:
    report = tmp_path / "team" / "report.md"
    report.parent.mkdir()
    result = CliRunner().invoke(cli, ["check", str(fictional), "--report", str(report)])
    assert result.exit_code in (0, 1), result.output
    text = report.read_text("utf-8")
    assert text.startswith("# Internal case report") and "FOR THE CASE TEAM ONLY" in text
    assert "## Held back from the public outputs" in text and "att-chief" in text
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(fictional), "--out", str(out)]).exit_code == 0
    for place in (out / "report.md", out / "dossiers" / "report.md",
                  fictional / "sources" / "report.md"):
        result = CliRunner().invoke(cli, ["check", str(fictional), "--report", str(place)])
        assert result.exit_code == 1 and "internal report" in result.output
        assert not place.exists()
    assert not any(p.name == "report.md" for p in out.rglob("*"))


def test_the_government_annex_says_who_reviewed_each_attribution(fictional: Path,
                                                                 tmp_path: Path) -> None:
    from pypdf import PdfReader

    code, output = _review(fictional, "--approve", "att-chief", "--by", "R. Reviewer")
    assert code == 0, output
    for audience in ("government", "public"):
        out = tmp_path / audience
        result = CliRunner().invoke(cli, ["build", str(fictional), "--out", str(out),
                                          "--audience", audience])
        assert result.exit_code == 0, result.output
        text = "".join(page.extract_text() for pdf in (out / "dossiers").glob("*.pdf")
                       for page in PdfReader(pdf).pages)
        if audience == "government":
            assert "Review record" in text and "R. Reviewer" in text
        else:
            assert "Review record" not in text and "R. Reviewer" not in text
