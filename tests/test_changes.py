"""An import (or a review) and its audit entry are one unit (REDTEAM defect 10: killed 30 s
into a large import, the records were on disk without an audit entry; with the database
locked the command said it failed, but the change was on disk). Interrupted at every step,
refused by the database, killed: afterwards the case files hold the change exactly when the
audit log does."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import entities.db.audit as audit
import entities.db.changes as changes
import entities.db.database as database
from dossier.cli import cli
from entities.case.loader import load_case
from entities.db.audit import read_log
from entities.db.changes import open_case
from entities.db.database import CaseDatabase
from entities.exc import StoreError
from entities.intake.edit import mark_reviewed
from entities.intake.importer import import_table
from tests.conftest import CASE_YML, write_case
from tests.sheet_helpers import tree_digest

GENERATED = "data/imported/people-csv.yml"


def _people_csv(folder: Path, rows: int) -> Path:
    path = folder / "people.csv"
    lines = ["id,names,birth_date"] + [f"p-{i},Fictional Person {i} [en],1970-01-01"
                                       for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    case = write_case(tmp_path / "mini", {"case.yml": CASE_YML})
    with CaseDatabase.for_case(case):  # the database exists before the first import
        pass
    return case


def _case_files(case: Path) -> str:
    """The case's files as the loader sees them (temporary files: see _leftovers)."""
    return tree_digest(case, skip=".tmp")


def _imports(case: Path) -> int:
    return sum(1 for e in read_log(case) if e.action == "import")


def _leftovers(case: Path) -> list[str]:
    journals = list((case / ".dossier" / "changes").glob("*")) \
        if (case / ".dossier" / "changes").is_dir() else []
    temps = [p for p in case.rglob("*.tmp")]
    return [str(p.relative_to(case)) for p in [*journals, *temps]]


def test_a_locked_database_leaves_the_case_files_unchanged(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "SQLITE_WAIT_SECONDS", 1)
    before = _case_files(mini)
    holder = sqlite3.connect(mini / ".dossier" / "case.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="another command"):
            import_table(mini, _people_csv(tmp_path, 3))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _case_files(mini) == before and _imports(mini) == 0 and not _leftovers(mini)
    import_table(mini, _people_csv(tmp_path, 3))  # and it works once the database is free
    assert len(load_case(mini).people) == 3 and _imports(mini) == 1


def test_a_full_disk_during_an_import_changes_nothing(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    source = _people_csv(tmp_path, 3)
    before = _case_files(mini)

    def full(*args: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", full)
        result = CliRunner().invoke(cli, ["import", str(mini), str(source)])
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert "Traceback" not in result.output
    assert _case_files(mini) == before and _imports(mini) == 0 and not _leftovers(mini)


def test_interrupted_before_the_entry_commits_nothing_changes(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _case_files(mini)

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(audit.AuditLog, "append", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_table(mini, _people_csv(tmp_path, 3))
    assert _case_files(mini) == before and _imports(mini) == 0 and not _leftovers(mini)


def test_interrupted_just_after_the_entry_commits_the_change_is_finished(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = CaseDatabase.transaction

    @contextmanager
    def then_interrupted(self: CaseDatabase, what: str = "", write: bool = False
                         ) -> Iterator[Any]:
        with real(self, what, write) as conn:
            yield conn
        if what.startswith("record the import"):
            raise KeyboardInterrupt  # the commit is done; the interrupt arrives now

    monkeypatch.setattr(CaseDatabase, "transaction", then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_table(mini, _people_csv(tmp_path, 3))
    monkeypatch.undo()
    assert len(load_case(mini).people) == 3 and _imports(mini) == 1 and not _leftovers(mini)


def test_interrupted_while_renaming_the_next_command_finishes_it(
        mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import_table(mini, _people_csv(tmp_path, 2))
    monkeypatch.setattr(changes, "_finish", lambda root, files: (_ for _ in ()).throw(
        KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        import_table(mini, _people_csv(tmp_path, 5))
    monkeypatch.undo()
    assert len(load_case(mini).people) == 2  # the files are not yet changed...
    assert _imports(mini) == 2 and _leftovers(mini)  # ...but the entry is in the log
    told: list[str] = []
    case = open_case(mini, told=told.append)  # any command that opens the case
    assert len(case.people) == 5 and not _leftovers(mini)
    assert told == ["An interrupted import of people.csv was finished."]
    assert _imports(mini) == 2


def test_a_journal_without_its_entry_is_undone(mini: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    before = _case_files(mini)

    def killed(*args: Any, **kwargs: Any) -> None:  # a kill leaves what is on disk
        raise SystemExit

    monkeypatch.setattr(audit.AuditLog, "append", killed)
    monkeypatch.setattr(changes, "_settle", lambda *a: (_ for _ in ()).throw(
        StoreError("gone")))  # and nothing is cleaned up
    with pytest.raises(SystemExit):
        import_table(mini, _people_csv(tmp_path, 3))
    monkeypatch.undo()
    assert _leftovers(mini)  # the journal and the temporary file
    assert _case_files(mini) == before
    told: list[str] = []
    open_case(mini, told=told.append)
    assert told == ["An interrupted import of people.csv was undone (it had not been "
                    "recorded)."]
    assert _case_files(mini) == before and not _leftovers(mini) and _imports(mini) == 0


def test_a_review_and_its_entry_are_one_unit(fictional: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    draft = next(a for a in load_case(fictional).attributions if a.status != "reviewed")
    before = _case_files(fictional)

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(audit.AuditLog, "append", interrupted)
        with pytest.raises(KeyboardInterrupt):
            mark_reviewed(fictional, draft.id, "Tester", "2026-12-01")
    assert _case_files(fictional) == before  # the file was never written
    mark_reviewed(fictional, draft.id, "Tester", "2026-12-01")
    assert load_case(fictional).index[draft.id].status == "reviewed"  # type: ignore[attr-defined]
    assert [e.subject for e in read_log(fictional) if e.action == "review"] == [draft.id]


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="needs POSIX signals")
def test_killed_imports_leave_the_files_and_the_log_agreeing(mini: Path,
                                                             tmp_path: Path) -> None:
    source = _people_csv(tmp_path, 20_000)
    env = {k: v for k, v in os.environ.items() if k != "DOSSIER_DATABASE_URL"}
    outcomes = set()
    for delay in (0.5, 2.0, 4.0, 5.0, 5.5, 6.0, 6.3, 6.6, 7.0, 60.0):  # import: ~6.5 s
        (mini / GENERATED).unlink(missing_ok=True)
        process = subprocess.Popen([sys.executable, "-m", "dossier.cli", "import", str(mini),
                                    str(source)], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        imports = _imports(mini)
        try:
            process.wait(delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        case = open_case(mini, told=lambda _: None)  # settles what the kill left
        recorded = _imports(mini) - imports
        assert not _leftovers(mini), delay
        assert recorded in (0, 1), delay
        assert len(case.people) == (20_000 if recorded else 0), delay
        outcomes.add(recorded)
    assert outcomes == {0, 1}  # both sides of the commit were hit
