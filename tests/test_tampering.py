"""Tampering with a case's evidence and records is detected (REDTEAM defect 11): each
case below alters the database or the evidence files the way someone with write access
could, and ``dossier verify`` (and, where it would use the altered file, the next build)
must say what was done. The figures of the closing note count these cases."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import cli

Tamper = Callable[[Path, str], None]


def _db(case: Path) -> sqlite3.Connection:
    return sqlite3.connect(case / ".dossier" / "case.db")


def _sql(case: Path, *statements: str) -> None:
    db = _db(case)
    try:
        for statement in statements:
            db.execute(statement)
        db.commit()
    finally:
        db.close()


def _alter_file(case: Path) -> str:
    memo = case / "sources" / "memo.txt"
    memo.write_text(memo.read_text("utf-8") + "a sentence nobody wrote\n", "utf-8")
    return hashlib.sha256(memo.read_bytes()).hexdigest()


def file_and_hash_changed(case: Path, head: str) -> None:
    digest = _alter_file(case)
    _sql(case, f"UPDATE evidence_file SET sha256 = '{digest}' WHERE path = 'sources/memo.txt'")


def register_row_deleted_and_file_changed(case: Path, head: str) -> None:
    _alter_file(case)
    _sql(case, "DELETE FROM evidence_file")


def register_row_deleted(case: Path, head: str) -> None:
    _sql(case, "DELETE FROM evidence_file")


def file_changed(case: Path, head: str) -> None:
    _alter_file(case)


def file_deleted(case: Path, head: str) -> None:
    (case / "sources" / "memo.txt").unlink()


def hidden_file_added(case: Path, head: str) -> None:
    (case / "sources" / ".notes.txt").write_text("hidden evidence\n", "utf-8")


def file_added(case: Path, head: str) -> None:
    (case / "sources" / "extra.pdf").write_bytes(b"%PDF-1.4 not registered")


def newest_entry_removed(case: Path, head: str) -> None:
    _sql(case, "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)")


def newest_three_removed(case: Path, head: str) -> None:
    _sql(case, "DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 3 FROM audit_log)")


def every_entry_removed(case: Path, head: str) -> None:
    _sql(case, "DELETE FROM audit_log")


def log_table_dropped(case: Path, head: str) -> None:
    _sql(case, "DROP TABLE audit_log")


def entry_altered(case: Path, head: str) -> None:
    _sql(case, "UPDATE audit_log SET actor = 'someone else' WHERE seq = 2")


def entry_removed_in_the_middle(case: Path, head: str) -> None:
    _sql(case, "DELETE FROM audit_log WHERE seq = 2")


def entries_reordered(case: Path, head: str) -> None:
    _sql(case, "UPDATE audit_log SET seq = 100 WHERE seq = 1",
         "UPDATE audit_log SET seq = 1 WHERE seq = 2",
         "UPDATE audit_log SET seq = 2 WHERE seq = 100")


def entry_rehashed(case: Path, head: str) -> None:
    """An entry altered and its own hash recomputed (the next entry no longer follows)."""
    from entities.db.audit import entry_hash

    db = _db(case)
    try:
        row = db.execute("SELECT prev_hash, seq, at, actor, action, subject, before, after "
                         "FROM audit_log WHERE seq = 2").fetchone()
        new = entry_hash(row[0], row[1], row[2], "someone else", *row[4:])
        db.execute("UPDATE audit_log SET actor = 'someone else', hash = ? WHERE seq = 2",
                   (new,))
        db.commit()
    finally:
        db.close()


def register_row_added_for_an_unregistered_file(case: Path, head: str) -> None:
    path = case / "sources" / "planted.pdf"
    path.write_bytes(b"%PDF-1.4 planted")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    _sql(case, "INSERT INTO evidence_file VALUES ('fictional_case', 'sources/planted.pdf', "
               f"16, '{digest}', '2020-01-01T00:00:00+00:00')")


def registered_hash_changed(case: Path, head: str) -> None:
    _sql(case, "UPDATE evidence_file SET sha256 = '" + "0" * 64 + "'")


def screening_decision_planted(case: Path, head: str) -> None:
    _sql(case, "INSERT INTO screening_decision VALUES ('fictional_case', 'chief', 'fic-9', "
               "'confirmed', 'nobody', '2020-01-01')")


def link_outside_planted(case: Path, head: str) -> None:
    outside = case.parent / "outside.txt"
    outside.write_text("not part of the case\n", "utf-8")
    (case / "sources" / "link.txt").symlink_to(outside)


def evidence_file_replaced_by_a_link(case: Path, head: str) -> None:
    """The file replaced by a link to an identical copy outside the case folder."""
    memo = case / "sources" / "memo.txt"
    copy = case.parent / "memo-copy.txt"
    copy.write_bytes(memo.read_bytes())
    memo.unlink()
    memo.symlink_to(copy)


#: name → (tamper, what verify must say, whether the next build must stop too)
CASES: dict[str, tuple[Tamper, str, bool]] = {
    "file changed": (file_changed, "modified: sources/memo.txt", True),
    "file deleted": (file_deleted, "missing: sources/memo.txt", True),
    "file and registered hash changed together": (
        file_and_hash_changed, "altered register: sources/memo.txt", True),
    "registered hash changed": (registered_hash_changed, "altered register", True),
    "register row deleted, file changed": (
        register_row_deleted_and_file_changed, "register row removed: sources/memo.txt", True),
    "register row deleted": (register_row_deleted, "register row removed: sources/memo.txt",
                             False),
    "register row planted for a file": (register_row_added_for_an_unregistered_file,
                                        "register row without its audit entry: "
                                        "sources/planted.pdf", False),
    "hidden file added": (hidden_file_added, "unregistered: sources/.notes.txt", False),
    "file added": (file_added, "unregistered: sources/extra.pdf", False),
    "newest entry removed": (newest_entry_removed, "you expected is not in the log", False),
    "newest three entries removed": (newest_three_removed, "you expected is not in the log",
                                     False),
    "every entry removed": (every_entry_removed, "you expected is not in the log", False),
    "audit table dropped": (log_table_dropped, "you expected is not in the log", False),
    "entry altered": (entry_altered, "was altered after it was written", False),
    "entry altered and rehashed": (entry_rehashed, "does not follow entry 2", False),
    "entry removed in the middle": (entry_removed_in_the_middle, "entry 2 is missing", False),
    "entries reordered": (entries_reordered, "the chain is broken", False),
    "link to a file outside planted": (link_outside_planted,
                                       "not checked: sources/link.txt", False),
    "evidence file replaced by a link outside": (evidence_file_replaced_by_a_link,
                                                 "sources/memo.txt", True),
    "screening decision planted": (screening_decision_planted,
                                   "screening decision without its audit entry: chief = fic-9",
                                   False),
}


@pytest.fixture
def recorded(fictional: Path, tmp_path: Path) -> tuple[Path, str, Path]:
    """The fictional case built (files registered), screened, reviewed: a log with
    several entries; and its head."""
    from screening_helpers import write_list

    runner = CliRunner()
    env = {"DOSSIER_CACHE_DIR": str(tmp_path / "cache")}
    out = tmp_path / "out"
    for args in (["build", str(fictional), "--out", str(out)],
                 ["screen", str(fictional), "--against", str(write_list(tmp_path / "l.json"))],
                 ["screen", str(fictional), "--confirm", "chief=fic-1"],
                 ["review", str(fictional), "--approve", "att-chief", "--by", "Reviewer"]):
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == 0, (args, result.output)
    verify = runner.invoke(cli, ["verify", str(fictional)])
    assert verify.exit_code == 0, verify.output
    head = json.loads(runner.invoke(cli, ["log", str(fictional), "--json", "--limit", "1"]
                                    ).output)["hash"]
    assert f"audit log head: {head}" in verify.output
    return fictional, head, out


@pytest.mark.parametrize("name", list(CASES))
def test_tampering_is_detected(name: str, recorded: tuple[Path, str, Path]) -> None:
    case, head, out = recorded
    tamper, expected, stops_build = CASES[name]
    tamper(case, head)
    runner = CliRunner()
    result = runner.invoke(cli, ["verify", str(case), "--expect-head", head])
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output
    if stops_build:
        build = runner.invoke(cli, ["build", str(case), "--out", str(out)])
        assert build.exit_code == 1 and "sources/memo.txt" in build.output, build.output


def test_a_head_that_grew_is_not_tampering(recorded: tuple[Path, str, Path]) -> None:
    case, head, out = recorded
    runner = CliRunner()
    (case / "sources" / "new.txt").write_text("new evidence\n", "utf-8")
    for _ in range(2):  # the first registers the new file; the second starts after that
        assert runner.invoke(cli, ["build", str(case), "--out", str(out)]).exit_code == 0
    result = runner.invoke(cli, ["verify", str(case), "--expect-head", head])
    assert result.exit_code == 0, result.output
    assert "entries after the one you expected" in result.output
    manifest = json.loads((out / ".manifest.json").read_text("utf-8"))
    assert manifest["audit_head"] and manifest["audit_head"] != head
