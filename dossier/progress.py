"""Progress bars for long work (rich); quiet when the work is short or not on a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

#: Files smaller than this are read without a progress bar.
QUIET_BELOW_BYTES = 2 * 1024 * 1024


#: Builds with fewer targets than this show no progress bar.
QUIET_BELOW_TARGETS = 10


@contextmanager
def target_progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """Yield a callback taking (done, total); shows a bar only for many targets."""
    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True) as bar:
        task = None

        def update(done: int, total: int) -> None:
            nonlocal task
            if total < QUIET_BELOW_TARGETS:
                return
            if task is None:
                task = bar.add_task(label, total=total)
            bar.update(task, completed=done)

        yield update


@contextmanager
def byte_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """Yield a callback taking bytes done; shows a bar only for large inputs."""
    if total < QUIET_BELOW_BYTES:
        yield lambda done: None
        return
    columns = (TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.update(task, completed=done)


@contextmanager
def count_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """Yield a callback taking items done; shows a bar only for many items."""
    if total < QUIET_BELOW_TARGETS:
        yield lambda done: None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda done: progress.update(task, completed=done)


@contextmanager
def step_progress(unit: str, label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A bar for ``bytes`` read or ``items`` done (see ``dossier.screen.ProgressFactory``)."""
    factory = byte_progress if unit == "bytes" else count_progress
    with factory(label, total) as update:
        yield update
