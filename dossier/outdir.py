"""Replace a whole output folder at once: build into a staging folder, then swap.

A build writes into ``.NAME.building-PID`` beside ``NAME`` (starting from hard links to
the previous outputs, so "what changed since the last build" still works and unchanged
files cost nothing), then renames the old folder away and the new one into place. If
the process is killed at any moment, ``NAME`` holds either the complete previous outputs
or the complete new ones; the next build removes leftovers and, if it was killed between
the two renames, puts the previous folder back first. Nothing in the staging folder may
be written in place: every file is new (:func:`entities.files.atomic_file`), so the hard
links never carry a change back into the previous outputs.

An output folder belongs to one case and one audience, written in its
``.dossier-output.json``: a build for another audience (or case) into it is refused —
what it holds would otherwise be compared with, and referred to by, the new outputs
(``delta.json`` would list the other audience's entities) — unless told to ``replace``
it, when the new outputs start from an empty folder.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from entities.case.loader import DATA_DIR, SOURCES_DIR
from entities.exc import OutputError
from entities.files import atomic_file
from entities.settings import STATE_DIR

#: What an output folder holds: the case and the audience it was written for.
MARKER = ".dossier-output.json"


def recover(out: Path) -> None:
    """Clean up after an interrupted build of ``out``."""
    parent = out.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{out.name}.old-*"))
    if not out.exists() and olds:
        os.rename(olds[-1], out)
        olds = olds[:-1]
    for leftover in [*olds, *parent.glob(f".{out.name}.building-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _link_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def owner(out: Path) -> dict[str, str] | None:
    """The case and audience an output folder was written for (``None``: an empty or
    missing folder); a non-empty folder without the marker belongs to nobody known."""
    if not out.is_dir() or not any(out.iterdir()):
        return None
    try:
        data = json.loads((out / MARKER).read_text("utf-8"))
        return {"case": str(data["case"]), "audience": str(data["audience"])}
    except (OSError, ValueError, KeyError, TypeError):
        return {"case": "?", "audience": "?"}


def check_place(out: Path, root: Path) -> None:
    """Refuse an output path that would write into the case's own folders — outputs in
    ``sources/`` would be registered as evidence, in ``data/`` read as case data — or
    that holds the case folder (``--replace`` would delete the case with it).

    Raises:
        OutputError: saying why, and what to do.
    """
    target, case = out.resolve(), root.resolve()
    if case == target or case.is_relative_to(target):
        raise OutputError(f"{out} holds the case folder {root}; write the outputs into a "
                          "folder of their own (e.g. --out out)")
    for inner in (SOURCES_DIR, DATA_DIR, STATE_DIR):
        if target.is_relative_to(case / inner):
            raise OutputError(f"{out} is inside the case's {inner}/ folder, where outputs "
                              "would be taken for case material; write them elsewhere "
                              "(e.g. --out out)")


def claim(out: Path, case: str, audience: str, replace: bool = False) -> bool:
    """Whether the outputs in ``out`` may be built upon (``False``: start empty).

    Raises:
        OutputError: ``out`` holds the outputs of another case or audience (or of
            something else) and ``replace`` is not set.
    """
    found = owner(out)
    if found is None:
        return False
    if found == {"case": case, "audience": audience}:
        return not replace
    if replace:
        return False
    if found["case"] == "?":
        what = "files this program did not write (or wrote before it marked its folders)"
    elif found["case"] != case:
        what = f"the outputs of another case ({found['case']})"
    else:
        what = f"outputs for the {found['audience']} audience"
    raise OutputError(f"{out} holds {what}; write the {audience} outputs into another folder, "
                      "or add --replace to delete what it holds and start it afresh")


@contextmanager
def staged_folder(out: Path, case: str, audience: str, replace: bool = False,
                  fresh: bool = False) -> Iterator[Path]:
    """Yield a staging folder to write into for ``case`` and ``audience``; on success it
    becomes ``out`` (see :func:`claim` for a folder that holds other outputs). The
    staging folder starts with ``out``'s files (for an incremental build) unless
    ``fresh``: then it starts empty, and what the new outputs leave out is gone."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        recover(out)
        keep = claim(out, case, audience, replace)
        staging = out.parent / f".{out.name}.building-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        if keep and not fresh:
            shutil.copytree(out, staging, copy_function=_link_copy)
        else:
            staging.mkdir()
    except OSError as exc:
        raise OutputError(f"cannot prepare the output folder {out}: "
                          f"{exc.strerror or exc}") from exc
    try:
        with atomic_file(staging / MARKER) as fh:
            fh.write(json.dumps({"case": case, "audience": audience}, indent=1,
                                sort_keys=True).encode() + b"\n")
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    try:
        if out.exists():
            os.rename(out, old)
        os.rename(staging, out)
    except OSError as exc:
        raise OutputError(f"cannot put the new outputs in place at {out}: "
                          f"{exc.strerror or exc}") from exc
    shutil.rmtree(old, ignore_errors=True)


def check_report_place(path: Path, root: Path) -> None:
    """Refuse a place for the internal case report where it would be read as case data or
    evidence, or handed over with a build: inside the case's ``sources/``, ``data/`` or
    state folder, or in a build's output folder (or below one).

    Raises:
        OutputError: saying why, and what to do.
    """
    folder, case = path.resolve().parent, root.resolve()
    for inner in (SOURCES_DIR, DATA_DIR, STATE_DIR):
        if folder.is_relative_to(case / inner):
            raise OutputError(f"{path} is inside the case's {inner}/ folder; write the "
                              "internal report somewhere of its own")
    for parent in (folder, *folder.parents):
        if (parent / MARKER).is_file():
            raise OutputError(f"{path} is inside the output folder {parent}, which goes to "
                              "readers; the internal report must stay with the team")
