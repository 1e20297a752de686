"""Where list indexes are kept, and opening one (building it only when missing).

Indexes are cached by the SHA-256 of the list file, so screening a list a second time
(or from another case) rebuilds nothing, and a changed list gets a fresh index. The
cache lives under :func:`entities.settings.cache_dir` (``DOSSIER_CACHE_DIR``, default
``~/.cache/sanctions-dossier``).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

from entities.exc import InvalidInput, Problem
from entities.files import file_digest
from entities.progress import QUIET, Progress
from entities.resolution.official_words import WORDS_FILE
from entities.screening.build import INDEX_VERSION, build_index
from entities.screening.index import ListIndex
from entities.settings import cache_dir


def cache_root() -> Path:
    """The folder holding every list index."""
    return cache_dir()


@dataclass
class OpenedIndex:
    index: ListIndex
    sha256: str
    built: bool
    seconds_building: float = 0.0


def file_sha256(path: Path, progress: Progress = QUIET) -> str:
    """The SHA-256 of a list file; a file that cannot be read is a located problem."""
    try:
        progress.step(f"checking {path.name}", path.stat().st_size, "bytes")
        return file_digest(path, "sha256", progress)
    except OSError as exc:
        raise InvalidInput([Problem(path.name, 0, "", f"cannot be read: {exc.strerror}")],
                           "the list file") from exc


def open_index(path: Path, progress: Progress = QUIET) -> OpenedIndex:
    """The index of the list file at ``path``, built first if it is not cached; the
    hashing and (if needed) the building are reported to ``progress``."""
    sha = file_sha256(path, progress)
    # the words of official names are indexed too: a changed word list is a new index
    words = hashlib.sha256(WORDS_FILE.read_bytes()).hexdigest()[:8]
    folder = cache_root() / "screening" / f"{sha[:40]}-v{INDEX_VERSION}-w{words}"
    built = False
    started = time.perf_counter()
    if not (folder / "meta.json").is_file():
        build_index(path, sha, folder, progress)
        built = True
    seconds = time.perf_counter() - started if built else 0.0
    return OpenedIndex(ListIndex(folder), sha, built, seconds)
