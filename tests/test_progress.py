"""Build progress: quiet for short work, step by step for long work."""

from __future__ import annotations

import io
import time
from pathlib import Path

from rich.console import Console

from dossier.build import build_case
from dossier.progress import StepProgress
from entities.progress import Unit


def _console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=100), out


def test_short_work_stays_quiet() -> None:
    console, out = _console()
    with StepProgress(show_after=60, console=console) as progress:
        progress.step("reading the case", 10)
        progress.update(3)
    assert out.getvalue() == ""


def test_long_work_shows_each_step(fictional: Path, tmp_path: Path) -> None:
    console, out = _console()

    class Recording(StepProgress):
        steps: list[str] = []

        def step(self, label: str, total: int | None = None, unit: Unit = "items") -> None:
            self.steps.append(label)
            super().step(label, total, unit)
            time.sleep(0.25)  # at least two refreshes of the display per step

    with Recording(show_after=0, console=console) as progress:
        build_case(fictional, tmp_path / "out", "government", progress=progress)
    shown = out.getvalue()
    assert Recording.steps[0] == "reading and checking the case"
    assert "dossiers, diagrams, workbook and dataset" in Recording.steps
    assert Recording.steps[-1] == "putting the new outputs in place"
    for label in ("reading and checking the case", "dossiers, diagrams, workbook and dataset",
                  "storing the case"):
        assert label in shown
