"""Evidence integrity (registered hashes, verify, accept-changes, manifest) and the
hash-chained audit log."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from dossier.cli import cli
from entities.db.audit import AuditLog
from entities.db.database import CaseDatabase


def _build(runner: CliRunner, case: Path, out: Path, *extra: str) -> object:
    return runner.invoke(cli, ["build", str(case), "--out", str(out), *extra])


def _log(runner: CliRunner, case: Path) -> list[dict]:
    result = runner.invoke(cli, ["log", str(case), "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_build_registers_files_and_verify_passes(runner: CliRunner, fictional: Path,
                                                tmp_path: Path) -> None:
    before = runner.invoke(cli, ["verify", str(fictional)])
    assert before.exit_code == 1
    assert "unregistered: sources/memo.txt" in before.output
    assert _build(runner, fictional, tmp_path / "out").exit_code == 0
    result = runner.invoke(cli, ["verify", str(fictional)])
    assert result.exit_code == 0, result.output
    assert "1 evidence files intact" in result.output and "chain intact" in result.output
    entries = _log(runner, fictional)
    assert [(e["action"], e["subject"]) for e in entries] == [
        ("register-file", "sources/memo.txt")]
    assert entries[0]["before"] is None and len(entries[0]["after"]["sha256"]) == 64


def test_changed_file_stops_the_build_until_accepted(runner: CliRunner, fictional: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _build(runner, fictional, out).exit_code == 0
    pdfs = {p: p.read_bytes() for p in (out / "dossiers").glob("*.pdf")}
    memo = fictional / "sources" / "memo.txt"
    memo.write_text(memo.read_text("utf-8") + "silently altered\n", "utf-8")
    result = _build(runner, fictional, out)
    assert result.exit_code == 1
    assert "sources/memo.txt: this evidence file changed since it was registered" in \
        result.output
    assert "--accept-changes" in result.output
    assert {p: p.read_bytes() for p in pdfs} == pdfs  # previous outputs untouched
    verify = runner.invoke(cli, ["verify", str(fictional)])
    assert verify.exit_code == 1 and "modified: sources/memo.txt" in verify.output
    unexplained = _build(runner, fictional, out, "--accept-changes")
    assert unexplained.exit_code == 1 and "say why it changed (--reason" in unexplained.output
    accepted = _build(runner, fictional, out, "--accept-changes", "--reason",
                      "a note added to the working copy")
    assert accepted.exit_code == 0, accepted.output
    entries = _log(runner, fictional)
    assert entries[-1]["action"] == "accept-change"
    assert entries[-1]["after"]["reason"] == "a note added to the working copy"
    assert entries[-1]["before"]["sha256"] != entries[-1]["after"]["sha256"]
    assert runner.invoke(cli, ["verify", str(fictional)]).exit_code == 0


def test_missing_and_unregistered_files(runner: CliRunner, fictional: Path,
                                        tmp_path: Path) -> None:
    assert _build(runner, fictional, tmp_path / "out").exit_code == 0
    (fictional / "sources" / "extra.pdf").write_bytes(b"%PDF-1.4 new")
    (fictional / "sources" / "memo.txt").unlink()
    result = runner.invoke(cli, ["verify", str(fictional)])
    assert result.exit_code == 1
    assert "missing: sources/memo.txt" in result.output
    assert "unregistered: sources/extra.pdf" in result.output


def test_declared_hash_is_checked_before_registration(runner: CliRunner, fictional: Path,
                                                      tmp_path: Path) -> None:
    (fictional / "sources" / "memo.txt").write_text("not what was hashed", "utf-8")
    result = _build(runner, fictional, tmp_path / "out")
    assert result.exit_code == 1
    assert "changed since its sha256 was written in the case" in result.output


def test_manifest_in_the_annex(runner: CliRunner, fictional: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _build(runner, fictional, out, "--audience", "government").exit_code == 0
    import hashlib

    digest = hashlib.sha256((fictional / "sources" / "memo.txt").read_bytes()).hexdigest()
    texts = ["".join(page.extract_text() for page in PdfReader(p).pages).replace("\n", "")
             for p in (out / "dossiers").glob("*.pdf") if p.name != "overview.pdf"]
    assert any("Evidence manifest" in t and digest in t for t in texts)


def test_audit_chain_detects_tampering(runner: CliRunner, fictional: Path) -> None:
    with CaseDatabase.for_case(fictional) as database:
        log = AuditLog(database)
        for number in range(3):
            log.append("test", f"entry {number}", {"n": number}, {"n": number + 1}, "tester")
        assert log.verify() == []
        assert [e.seq for e in log.entries()] == [1, 2, 3]
    db = sqlite3.connect(fictional / ".dossier" / "case.db")
    db.execute("UPDATE audit_log SET after = '{\"n\": 99}' WHERE seq = 2")
    db.commit()
    result = runner.invoke(cli, ["verify", str(fictional)])
    assert result.exit_code == 1
    assert "audit log entry 2 (test entry 1) was altered" in result.output
    db.execute("DELETE FROM audit_log WHERE seq = 2")
    db.commit()
    db.close()
    with CaseDatabase.for_case(fictional) as database:
        problems = AuditLog(database).verify()
    assert any("entry 2 is missing" in p for p in problems)
    assert any("entry 3 does not follow" in p for p in problems)


def test_changes_are_logged(runner: CliRunner, fictional: Path, tmp_path: Path) -> None:
    from screening_helpers import write_list

    listfile = write_list(tmp_path / "list.ftm.json")
    env = {"DOSSIER_CACHE_DIR": str(tmp_path / "cache"), "DOSSIER_USER": "analyst-1"}
    assert runner.invoke(cli, ["screen", str(fictional), "--against", str(listfile)],
                         env=env).exit_code == 0
    assert runner.invoke(cli, ["screen", str(fictional), "--confirm", "chief=fic-1"],
                         env=env).exit_code == 0
    reviewed = runner.invoke(cli, ["review", str(fictional), "--approve", "att-chief",
                                   "--by", "A. Reviewer"])
    assert reviewed.exit_code == 0, reviewed.output
    from entities.db.judgements import Judgements

    with CaseDatabase.for_case(fictional) as database:
        Judgements(database).record("left-id", "right-id", "different", "analyst-2")
    entries = _log(runner, fictional)
    assert [e["action"] for e in entries] == ["screen", "screening-decision", "review",
                                              "judgement"]
    assert entries[0]["who"] == "analyst-1"
    assert entries[1]["after"] == {"decision": "confirmed"}
    assert entries[2]["before"]["status"] == "draft"
    assert entries[2]["after"]["reviewed_by"] == "A. Reviewer"
    assert entries[3]["who"] == "analyst-2"
    assert entries[3]["after"] == {"judgement": "different"}
    text = runner.invoke(cli, ["log", str(fictional)]).output
    assert "review att-chief" in text


def test_imports_are_logged_with_before_and_after(runner: CliRunner, fictional: Path,
                                                  tmp_path: Path) -> None:
    csv_path = tmp_path / "people.csv"
    csv_path.write_text("id,names,birth_date\np-new,Imported Person,1970-01-01\n", "utf-8")
    assert runner.invoke(cli, ["import", str(fictional), str(csv_path)]).exit_code == 0
    csv_path.write_text("id,names,birth_date\np-new,Imported Person,1971-01-01\n", "utf-8")
    assert runner.invoke(cli, ["import", str(fictional), str(csv_path)]).exit_code == 0
    ftm = tmp_path / "partner.ftm.json"
    ftm.write_text('{"id": "x1", "schema": "Person", "properties": {"name": ["Ok"]}}\n',
                   "utf-8")
    assert runner.invoke(cli, ["import", str(fictional), str(ftm)]).exit_code == 0
    first, second, third = _log(runner, fictional)
    assert (first["action"], first["subject"]) == ("import", "people.csv")
    assert first["before"] == {} and first["after"]["p-new"]["birth_date"] == "1970-01-01"
    assert second["before"]["p-new"]["birth_date"] == "1970-01-01"
    assert second["after"]["p-new"]["birth_date"] == "1971-01-01"
    assert third["action"] == "import-ftm" and third["after"]["entities"] == 1


def test_a_deliberately_deleted_file_is_retired_with_who_and_why(
        runner: CliRunner, fictional: Path, tmp_path: Path) -> None:
    assert _build(runner, fictional, tmp_path / "out").exit_code == 0
    retire = ["retire-file", str(fictional), "sources/memo.txt", "--reason",
              "superseded by the court's copy", "--by", "A. Archivist"]
    still = runner.invoke(cli, retire)
    assert still.exit_code == 1 and "still exists" in still.output
    (fictional / "sources" / "memo.txt").unlink()
    named = runner.invoke(cli, retire)
    assert named.exit_code == 1 and "file 'sources/memo.txt' does not exist" in named.output
    evidence = fictional / "data" / "evidence.yml"
    evidence.write_text(evidence.read_text("utf-8").replace(
        "    file: sources/memo.txt\n", ""), "utf-8")
    assert runner.invoke(cli, ["verify", str(fictional)]).exit_code == 1  # missing
    done = runner.invoke(cli, retire)
    assert done.exit_code == 0, done.output
    assert "retired sources/memo.txt" in done.output
    result = runner.invoke(cli, ["verify", str(fictional)])
    assert result.exit_code == 0, result.output
    entry = _log(runner, fictional)[-1]
    assert (entry["action"], entry["who"], entry["after"]["reason"]) == (
        "retire-file", "A. Archivist", "superseded by the court's copy")
    assert len(entry["before"]["sha256"]) == 64  # the log keeps the retired file's hash
    assert _build(runner, fictional, tmp_path / "again").exit_code == 0
