"""The loaded case, kept between requests while its files are unchanged.

Loading and validating a large case takes seconds (2 s for the 1,000-target synthetic
case); a page must not. A :class:`Case` is never changed after loading, so the app keeps
the last one, and what pages derive from it (the checks, the drafts), for as long as the
case's files — ``case.yml``, ``data/``, ``sources/`` and the case database under
``.dossier/`` — have the same names, sizes and modification times. Any save (through the
app, the command line or an editor) changes them, and the next page loads afresh. A
PostgreSQL case database (``DOSSIER_DATABASE_URL``) is not watched: there the derived
pages are recomputed on every request.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from entities.case.case import Case

T = TypeVar("T")


def fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of what a page's content depends on."""
    found = []
    for folder in ("data", "sources", ".dossier"):
        base = root / folder
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            if folder == ".dossier" and path.suffix not in (".db", ".sqlite"):
                continue
            if path.is_file():
                stat = path.stat()
                found.append((path.relative_to(root).as_posix(), stat.st_size,
                              stat.st_mtime_ns))
    case_file = root / "case.yml"
    if case_file.is_file():
        stat = case_file.stat()
        found.append(("case.yml", stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


class CaseCache:
    """The case at ``root`` and values derived from it, reloaded when its files change."""

    def __init__(self, root: Path):
        self.root = root
        self._lock = threading.Lock()
        self._key: tuple[tuple[str, int, int], ...] | None = None
        self._case: Case | None = None
        self._derived: dict[str, Any] = {}

    def case(self) -> Case:
        from entities.db.changes import open_case

        key = fingerprint(self.root)
        with self._lock:
            if self._case is not None and key == self._key:
                return self._case
        loaded = open_case(self.root)
        with self._lock:
            self._key, self._case, self._derived = key, loaded, {}
        return loaded

    def derived(self, name: str, make: Callable[[Case], T]) -> T:
        """``make(case)``, computed once per version of the case's files."""
        case = self.case()
        watched = not os.environ.get("DOSSIER_DATABASE_URL")
        with self._lock:
            if watched and name in self._derived:
                value: T = self._derived[name]
                return value
        value = make(case)
        with self._lock:
            if watched and self._case is case:
                self._derived[name] = value
        return value
