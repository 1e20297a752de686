"""Replace a whole output folder at once: build into a staging folder, then swap.

A build writes into ``.NAME.building-PID`` beside ``NAME`` (starting from hard links to
the previous outputs, so "what changed since the last build" still works and unchanged
files cost nothing), then renames the old folder away and the new one into place. If
the process is killed at any moment, ``NAME`` holds either the complete previous outputs
or the complete new ones; the next build removes leftovers and, if it was killed between
the two renames, puts the previous folder back first.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from entities.exc import OutputError


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


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """Yield a staging folder to write into; on success it becomes ``out``."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        recover(out)
        staging = out.parent / f".{out.name}.building-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        if out.is_dir():
            shutil.copytree(out, staging, copy_function=_link_copy)
        else:
            staging.mkdir()
    except OSError as exc:
        raise OutputError(f"cannot prepare the output folder {out}: "
                          f"{exc.strerror or exc}") from exc
    try:
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
