"""The project's one exception tree.

Every error the packages raise on purpose derives from :class:`DossierError`;
only the command line (``dossier.cli``) turns them into messages::

    DossierError
    ├── InvalidInput       an input file has mistakes (carries every problem found)
    │   └── InvalidCase    the case folder has mistakes
    ├── CaseNotFound       the folder is not a case (no case.yml)
    ├── StoreError         the case database cannot be opened or written
    ├── OutputError        an output file cannot be written
    └── RemoteError        a remote service (a yente server) failed or refused
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a case, located precisely enough to fix it.

    Attributes:
        file: path of the file, relative to the case folder.
        line: 1-based line number, or 0 when the whole file is concerned.
        field: dotted path of the field inside the file (``people[2].birth_date``).
        message: plain-language explanation, written for an advocate.
    """

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class DossierError(Exception):
    """Base class of every error raised on purpose by this project."""


class InvalidInput(DossierError):
    """An input has one or more mistakes; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem], what: str = "the input"):
        self.problems = sorted(problems)
        self.what = what
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{what} has {count} {noun}")

    def __reduce__(self) -> tuple[object, ...]:
        """Survive pickling (a build's worker processes send errors back) with every
        problem, whatever the subclass's own arguments."""
        return (_rebuild_invalid, (type(self), self.problems, self.what))


def _rebuild_invalid(cls: type[InvalidInput], problems: list[Problem], what: str
                     ) -> InvalidInput:
    error = cls.__new__(cls)
    InvalidInput.__init__(error, problems, what)
    return error


class InvalidCase(InvalidInput):
    """The case has one or more mistakes; ``problems`` lists all of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems, "the case")


class CaseNotFound(DossierError):
    """The given folder is not a case folder."""


class StoreError(DossierError):
    """The case database could not be opened or written."""


class OutputError(DossierError):
    """An output could not be written."""


class RemoteError(DossierError):
    """A remote service (a yente server) could not be reached or answered with an error."""
