"""Faults during a build (a full disk, a writer that fails, a page that cannot hold an
excerpt) leave everything as it was: the previous outputs, the case database (no
statement replaced, no evidence file registered) and the case files; or, where the input
is valid, the build succeeds (REDTEAM defects 9 and 12, and "a failed build changes
nothing anywhere")."""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from dossier.cli import cli


def _state(case: Path, out: Path) -> tuple[str, dict[str, str]]:
    db = sqlite3.connect(case / ".dossier" / "case.db")
    try:
        dump = hashlib.sha256("\n".join(db.iterdump()).encode()).hexdigest()
    finally:
        db.close()
    files = {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(out.rglob("*")) if p.is_file()}
    return dump, files


@pytest.fixture
def changed(fictional: Path, tmp_path: Path) -> tuple[Path, Path, tuple[str, dict[str, str]]]:
    """The case built once, then changed (a new evidence file, an edited incident), with
    the state before the next build."""
    out = tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(fictional), "--out", str(out)]).exit_code == 0
    (fictional / "sources" / "new.txt").write_text("new evidence\n", "utf-8")
    incidents = fictional / "data" / "incidents.yml"
    incidents.write_text(incidents.read_text("utf-8").replace("title: ", "title: New ", 1),
                         "utf-8")
    return fictional, out, _state(fictional, out)


def _full_disk(*args: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_changes_nothing(changed: tuple[Path, Path, Any],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    case, out, before = changed
    monkeypatch.setattr(os, "fsync", _full_disk)  # every output write ends in an fsync
    result = CliRunner().invoke(cli, ["build", str(case), "--out", str(out)])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert _state(case, out) == before  # nothing stored, nothing registered, no output
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".out.")]
    assert not list((case / ".dossier").glob("build-*"))  # no spool left behind


def test_a_failing_writer_changes_nothing(changed: tuple[Path, Path, Any],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import exports.workbook

    case, out, before = changed

    def broken(*args: Any) -> int:
        raise RuntimeError("the workbook writer broke")

    monkeypatch.setattr(exports.workbook, "write", broken)
    with pytest.raises(RuntimeError, match="the workbook writer broke"):
        from dossier.build import build_case

        build_case(case, out)
    assert _state(case, out) == before
    assert not list((case / ".dossier").glob("build-*"))


def test_an_excerpt_longer_than_a_page_builds(fictional: Path, tmp_path: Path) -> None:
    """REDTEAM defect 9: an excerpt of 3,500 characters or more made a table row taller
    than a page, and the build stopped with reportlab's LayoutError."""
    evidence = fictional / "data" / "evidence.yml"
    long = " ".join(f"Fictional sentence {n} of a long testimony about the directorate."
                    for n in range(70))
    evidence.write_text(evidence.read_text("utf-8").replace(
        "    excerpt: The Directorate of Examples ordered the detention.",
        f"    excerpt: {long}"), "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(fictional), "--out", str(out),
                                      "--audience", "government"])
    assert result.exit_code == 0, result.output
    pages = [page.extract_text() or "" for pdf in (out / "dossiers").glob("*.pdf")
             for page in PdfReader(pdf).pages]
    text = "".join(pages).replace("\n", " ")
    assert len(long) < 5000
    assert "sentence 0 of a long" in text and "sentence 69 of a long" in text  # all of it
    assert sum("Fictional sentence" in page for page in pages) >= 2  # across pages
