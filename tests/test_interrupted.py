"""A build interrupted at any point never changes the previous outputs (REDTEAM defect 1:
the staging folder starts as hard links to the previous outputs, so a file written in
place there was written into the previous outputs too)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from dossier.build import build_case


def _files(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def _markings(out: Path) -> set[str]:
    found = set()
    for pdf in (out / "dossiers").glob("*.pdf"):
        text = PdfReader(pdf).pages[0].extract_text() or ""
        found |= {m for m in ("PUBLIC", "CONFIDENTIAL") if m in text}
    return found


def test_interrupted_swap_leaves_previous_outputs_byte_identical(
        fictional: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build_case(fictional, out, "government")
    before = _files(out)
    assert _markings(out) == {"CONFIDENTIAL"}
    real_rename = os.rename

    def interrupted(src: str | Path, dst: str | Path) -> None:
        if Path(src) == out:  # the moment the old outputs are moved away
            raise KeyboardInterrupt
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_case(fictional, out, "public")
    monkeypatch.setattr(os, "rename", real_rename)
    assert _files(out) == before  # not one byte of the previous outputs changed
    # The next public build starts from the government outputs and must redo them all.
    result = build_case(fictional, out, "public")
    assert result.targets["kept"] == 0
    assert _markings(out) == {"PUBLIC"}
