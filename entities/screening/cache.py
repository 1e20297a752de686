"""Where list indexes are kept, and opening one (building it only when missing).

Indexes are cached by the SHA-256 of the list file, so screening a list a second time
(or from another case) rebuilds nothing, and a changed list gets a fresh index. The
cache lives in ``DOSSIER_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/sanctions-dossier``
(``~/.cache/sanctions-dossier``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from entities.screening.build import INDEX_VERSION, build_index
from entities.screening.index import ListIndex
from entities.screening.listfile import Progress, file_sha256


def cache_root() -> Path:
    """The folder holding every list index."""
    configured = os.environ.get("DOSSIER_CACHE_DIR", "").strip()
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "sanctions-dossier"


@dataclass
class OpenedIndex:
    index: ListIndex
    sha256: str
    built: bool
    seconds_building: float = 0.0


def open_index(path: Path, hashing: Progress | None = None,
               building: Callable[[], Progress | None] | None = None) -> OpenedIndex:
    """The index of the list file at ``path``, built first if it is not cached.

    ``hashing`` is called with bytes read while the file is hashed; ``building`` (if
    given) is called when a build starts and returns the progress callback to use.
    """
    sha = file_sha256(path, hashing)
    folder = cache_root() / "screening" / f"{sha[:40]}-v{INDEX_VERSION}"
    built = False
    started = time.perf_counter()
    if not (folder / "meta.json").is_file():
        build_index(path, sha, folder, building() if building else None)
        built = True
    seconds = time.perf_counter() - started if built else 0.0
    return OpenedIndex(ListIndex(folder), sha, built, seconds)
