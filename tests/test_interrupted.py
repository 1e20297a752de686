"""A build interrupted at any point never changes the previous outputs (REDTEAM defect 1:
the staging folder starts as hard links to the previous outputs, so a file written in
place there was written into the previous outputs too), and an output folder belongs to
one audience (defect 6: a public build into a folder that held a government build wrote
the government entities' ids into ``delta.json``)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from dossier.build import build_case
from entities.exc import OutputError


def _files(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def _markings(out: Path) -> set[str]:
    found = set()
    for pdf in (out / "dossiers").glob("*.pdf"):
        text = PdfReader(pdf).pages[0].extract_text() or ""
        found |= {m for m in ("PUBLIC", "CONFIDENTIAL") if m in text}
    return found


def _interrupt_at_swap(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    real_rename = os.rename

    def interrupted(src: str | Path, dst: str | Path) -> None:
        if Path(src) == out:  # the moment the old outputs are moved away
            raise KeyboardInterrupt
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", interrupted)


def test_interrupted_swap_leaves_previous_outputs_byte_identical(
        fictional: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build_case(fictional, out, "government")
    before = _files(out)
    incidents = fictional / "data" / "incidents.yml"
    incidents.write_text(incidents.read_text("utf-8").replace("title: ", "title: New — ", 1),
                         "utf-8")
    with monkeypatch.context() as patch:
        _interrupt_at_swap(patch, out)
        with pytest.raises(KeyboardInterrupt):
            build_case(fictional, out, "government")
    assert _files(out) == before  # not one byte of the previous outputs changed
    result = build_case(fictional, out, "government")
    assert result.targets["written"] == 2
    fresh = tmp_path / "fresh"
    build_case(fictional, fresh, "government")
    history = {"opensanctions/delta.json", "opensanctions/index.json",
                 "opensanctions/catalog.json", "opensanctions/delta-index.json"}
    assert {k: v for k, v in _files(out).items() if k not in history
        and not k.startswith("opensanctions/delta/")} == \
        {k: v for k, v in _files(fresh).items() if k not in history
        and not k.startswith("opensanctions/delta/")}


def test_a_folder_of_another_audience_is_refused_and_replace_starts_it_afresh(
        fictional: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build_case(fictional, out, "government")
    before = _files(out)
    with pytest.raises(OutputError, match="holds outputs for the government audience"):
        build_case(fictional, out, "public")
    with monkeypatch.context() as patch:
        _interrupt_at_swap(patch, out)
        with pytest.raises(KeyboardInterrupt):
            build_case(fictional, out, "public", replace=True)
    assert _files(out) == before
    result = build_case(fictional, out, "public", replace=True)
    assert result.targets == {"written": 1, "kept": 0, "removed": 0}
    assert _markings(out) == {"PUBLIC"}
    changes = [json.loads(line) for line in
               (out / "opensanctions" / "delta.json").read_text("utf-8").splitlines()]
    assert changes and {c["op"] for c in changes} == {"ADD"}  # nothing of the old folder
    index = json.loads((out / "opensanctions" / "index.json").read_text("utf-8"))
    assert index["delta"]["removed"] == 0
    assert json.loads((out / ".dossier-output.json").read_text("utf-8")) == {
        "audience": "public", "case": "fictional_case"}


def test_a_folder_of_other_files_or_another_case_is_refused(fictional: Path,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("my own file", "utf-8")
    with pytest.raises(OutputError, match="files this program did not write"):
        build_case(fictional, out, "public")
    assert (out / "notes.txt").read_text("utf-8") == "my own file"
    other = tmp_path / "other"
    (tmp_path / "other-out").mkdir()
    import shutil

    shutil.copytree(fictional, other)
    case_yml = other / "case.yml"
    case_yml.write_text(case_yml.read_text("utf-8").replace("id: fictional_case",
                                                            "id: other_case"), "utf-8")
    build_case(other, tmp_path / "other-out", "public")
    with pytest.raises(OutputError, match="another case"):
        build_case(fictional, tmp_path / "other-out", "public")
