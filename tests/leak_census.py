"""Count what leaks, per audience and scenario, from the canary case of ``test_leaks.py``.

The test asserts zero; this prints the figures in the hostile review's form (``REDTEAM.md``),
for a closing note or to compare two commits::

    python tests/leak_census.py

For each build: the canaries found above the audience (and in how many files), internal
provenance (case file names, ``data/`` paths) and metadata kept by images embedded in PDFs.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent.parent), str(Path(__file__).parent)]

import pytest  # noqa: E402

import tests.test_leaks as canary  # noqa: E402
from dossier.build import build_case  # noqa: E402
from entities.exc import OutputError  # noqa: E402


def census(out: Path, audience: str, drafts: bool = True) -> str:
    texts = canary._texts(out)
    leaks = set(canary._leaks(texts, audience, drafts))
    found = sorted({c for c, _ in leaks})
    provenance = canary._provenance(texts)
    return (f"{len(found)} canaries in {len({f for _, f in leaks})} files {found}; "
            f"provenance: {len(provenance)}; image metadata: {len(canary._image_metadata(out))}")


def main() -> None:
    work = Path(tempfile.mkdtemp())
    case = canary._case(work)
    for audience in ("public", "parliament", "government"):
        for drafts in (False, True):
            for lang in ("en", "ru"):
                out = work / f"{audience}-{drafts}-{lang}"
                build_case(case, out, audience, include_drafts=drafts, lang=lang)
                label = f"{audience}, {'with' if drafts else 'without'} drafts, {lang}"
                print(f"{label}: {census(out, audience, drafts)}")
    out = work / "switch"
    build_case(case, out, "government", include_drafts=True)
    public_over(case, out, "public into a government folder")
    out = work / "swap"
    build_case(case, out, "government", include_drafts=True)
    real = os.rename

    def interrupted(src: str | Path, dst: str | Path) -> None:
        if Path(src) == out:
            raise KeyboardInterrupt
        real(src, dst)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "rename", interrupted)
        with contextlib.suppress(KeyboardInterrupt):
            build_case(case, out, "public", include_drafts=True, replace=True)
    public_over(case, out, "public after a build interrupted at the swap")


def public_over(case: Path, out: Path, label: str) -> None:
    """A public build into ``out`` (which holds a government build): refused, then with
    ``replace``; the census of what it leaves."""
    try:
        build_case(case, out, "public", include_drafts=True)
        print(f"{label}: accepted")
    except OutputError:
        print(f"{label}: refused; with --replace:")
        build_case(case, out, "public", include_drafts=True, replace=True)
    print(f"  {census(out, 'public')}")

if __name__ == "__main__":
    main()
