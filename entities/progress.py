"""How long work reports its progress: one protocol for every command.

Work that can take long (a build, an import, screening, a migration) takes a
:class:`Progress` and tells it each step as it begins — with the number of items or
bytes the step will handle, when known — then how far it has got. The command line
shows it (``dossier.progress.StepProgress``, which stays silent for short work); a
library caller passes nothing and gets :data:`QUIET`.
"""

from __future__ import annotations

from typing import Literal, Protocol

Unit = Literal["items", "bytes"]


class Progress(Protocol):
    """Where long work reports its steps."""

    def step(self, label: str, total: int | None = None, unit: Unit = "items") -> None:
        """A new step begins (the previous one is done); ``total`` items or bytes."""

    def update(self, done: int) -> None:
        """``done`` items (or bytes) of the current step are finished."""


class Quiet:
    """A :class:`Progress` that shows nothing."""

    def step(self, label: str, total: int | None = None, unit: Unit = "items") -> None:
        """Nothing to show."""

    def update(self, done: int) -> None:
        """Nothing to show."""


QUIET: Progress = Quiet()
