"""Incremental builds: after an edit, only the affected dossiers are regenerated, and the
result is byte-identical to a build from scratch."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from dossier.build import build_case
from tests import synthetic_case

pytestmark = pytest.mark.slow
# these depend on the builds before (and opensanctions/delta/, the kept deltas)
HISTORY = {"opensanctions/delta.json", "opensanctions/index.json",
           "opensanctions/catalog.json", "opensanctions/delta-index.json"}


def _files(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()
            and str(p.relative_to(out)) not in HISTORY
            and not str(p.relative_to(out)).startswith("opensanctions/delta/")}


def _replace(case: Path, name: str, old: str, new: str) -> None:
    path = case / "data" / name
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    "incident title": lambda c: _replace(c, "incidents.yml", "title: Incident 3 (fictional)",
                                         "title: Incident 3 (fictional, corrected)"),
    "evidence excerpt": lambda c: _replace(c, "sources.yml", "excerpt: Officer 4 took part",
                                           "excerpt: Officer 4 clearly took part"),
    "source title": lambda c: _replace(c, "sources.yml", "title: Report 2 (fictional)",
                                       "title: Report 2 (fictional, second edition)"),
    "tenure dates": lambda c: _replace(c, "actors.yml", "start: 2015-01",
                                       "start: 2016-01"),
    "person name": lambda c: _replace(c, "actors.yml", "-5\n    lang: en",
                                      "-5 Jr\n    lang: en"),
}


SIZE = 20  # two bodies: an edit reaches some dossiers, not all


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    root = tmp_path_factory.mktemp("incremental")
    case = synthetic_case.write(SIZE, root / "case")
    out = root / "out"
    first = build_case(case, out)
    assert first.targets["written"] == len([p for p in (out / "dossiers").glob("*.pdf")
                                            if p.name != "overview.pdf"])
    assert build_case(case, out).targets["written"] == 0
    return case, out, first.targets["written"]


@pytest.mark.parametrize("edit", list(EDITS))
def test_incremental_equals_full_and_skips_the_rest(edit: str, tmp_path: Path,
                                                    built: tuple[Path, Path, int]) -> None:
    import shutil

    case, out = tmp_path / "case", tmp_path / "out"
    shutil.copytree(built[0], case)
    shutil.copytree(built[1], out)
    first_written = built[2]
    EDITS[edit](case)
    incremental = build_case(case, out)
    assert 0 < incremental.targets["written"] < first_written, incremental.targets
    fresh = tmp_path / "fresh"
    build_case(case, fresh)
    assert _files(out) == _files(fresh)


def test_removed_targets_lose_their_outputs(tmp_path: Path,
                                           built: tuple[Path, Path, int]) -> None:
    import shutil

    case, out = tmp_path / "case", tmp_path / "out"
    shutil.copytree(built[0], case)
    shutil.copytree(built[1], out)
    before = set((out / "dossiers").glob("*.pdf"))
    _replace(case, "incidents.yml", "status: reviewed", "status: draft")
    text = (case / "data" / "incidents.yml").read_text("utf-8")
    (case / "data" / "incidents.yml").write_text(text.replace("status: reviewed",
                                                              "status: draft"), "utf-8")
    result = build_case(case, out)
    after = set((out / "dossiers").glob("*.pdf"))
    assert after < before and result.targets["removed"] > 0
    fresh = tmp_path / "fresh"
    build_case(case, fresh)
    assert _files(out) == _files(fresh)


def test_the_digests_are_worked_out_while_the_statements_are(
        tmp_path: Path, built: tuple[Path, Path, int]) -> None:
    """Which dossiers changed is worked out while the build waits for its background job
    (the database's statements), not after; the manifest holds what was worked out."""
    import json
    import shutil

    from dossier.statements_job import JOB as STATEMENTS_JOB
    from dossier.targets import MANIFEST, WHICH

    steps: list[str] = []

    class Record:
        def step(self, label: str, total: int | None = None, unit: str = "items") -> None:
            steps.append(label)

        def update(self, done: int) -> None:
            pass

    case, out = tmp_path / "case", tmp_path / "out"
    shutil.copytree(built[0], case)
    shutil.copytree(built[1], out)
    EDITS["incident title"](case)
    result = build_case(case, out, progress=Record())
    waiting = next(i for i, label in enumerate(steps) if "statements" in label)
    assert STATEMENTS_JOB in steps[waiting]
    assert steps.count(WHICH) == 1 and steps.index(WHICH) < waiting
    digests = json.loads((out / MANIFEST).read_text("utf-8"))["targets"]
    assert len(digests) == result.targets["written"] + result.targets["kept"]
