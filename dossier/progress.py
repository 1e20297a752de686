"""Progress bars for long work (rich); quiet when the work is short or not on a terminal."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

#: Files smaller than this are read without a progress bar.
QUIET_BELOW_BYTES = 2 * 1024 * 1024


#: Steps with fewer items than this show no progress bar.
QUIET_BELOW_TARGETS = 10


#: A build shows its steps only once it has run this long (short builds stay quiet).
SHOW_AFTER_SECONDS = 2.0


class StepProgress:
    """The steps of a long job, one line each, with a bar where the step has a count.

    Nothing is displayed until the job has run for ``SHOW_AFTER_SECONDS``; the display
    disappears when the job ends (the command then prints its summary).
    """

    def __init__(self, show_after: float = SHOW_AFTER_SECONDS,
                 console: Console | None = None):
        self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                             MofNCompleteColumn(), TimeElapsedColumn(), transient=True,
                             console=console)
        self._task: TaskID | None = None
        self._timer = threading.Timer(show_after, self._bar.start)
        self._timer.daemon = True

    def __enter__(self) -> StepProgress:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        self._bar.stop()

    def step(self, label: str) -> None:
        """A new step begins (the previous one is done)."""
        self._finish()
        self._task = self._bar.add_task(label, total=None)

    def count(self, done: int, total: int) -> None:
        """``done`` of ``total`` items of the current step."""
        if self._task is not None:
            self._bar.update(self._task, completed=done, total=total)

    def _finish(self) -> None:
        if self._task is not None:
            total = self._bar.tasks[-1].total or 1  # the current step is the last task
            self._bar.update(self._task, total=total, completed=total)


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
