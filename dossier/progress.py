"""The command line's display of long work (:class:`entities.progress.Progress`): one
line per step, with a bar where the step knows its size. Nothing is shown until the work
has run for ``SHOW_AFTER_SECONDS`` (short work stays quiet), nor when the output is not a
terminal; the display disappears when the work ends and the command prints its summary."""

from __future__ import annotations

import threading

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from entities.progress import Unit

#: Work shows its steps only once it has run this long.
SHOW_AFTER_SECONDS = 2.0


class _Amount(ProgressColumn):
    """``12/40`` for items, ``3.1/9.0 MB`` for bytes, nothing while the size is unknown."""

    def __init__(self) -> None:
        super().__init__()
        self._items = MofNCompleteColumn()
        self._bytes = DownloadColumn()

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        column = self._bytes if task.fields.get("unit") == "bytes" else self._items
        rendered = column.render(task)
        return rendered if isinstance(rendered, Text) else Text(str(rendered))


class StepProgress:
    """Shows the steps of long work (use as a context manager around it)."""

    def __init__(self, show_after: float = SHOW_AFTER_SECONDS,
                 console: Console | None = None):
        self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                             _Amount(), TimeElapsedColumn(), transient=True,
                             console=console or Console(stderr=True))
        self._task: TaskID | None = None
        self._timer = threading.Timer(show_after, self._bar.start)
        self._timer.daemon = True

    def __enter__(self) -> StepProgress:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        self._bar.stop()

    def step(self, label: str, total: int | None = None, unit: Unit = "items") -> None:
        """A new step begins (the previous one is done)."""
        self._finish()
        self._task = self._bar.add_task(label, total=total, unit=unit)

    def update(self, done: int) -> None:
        """``done`` items or bytes of the current step."""
        if self._task is not None:
            self._bar.update(self._task, completed=done)

    def _finish(self) -> None:
        if self._task is not None:
            task = self._bar.tasks[-1]  # the current step is the last task
            total = task.total or 1
            self._bar.update(self._task, total=total, completed=total)

