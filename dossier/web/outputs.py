"""The files of a build, offered for download by an opaque key, never by path.

A file's key is a digest of its path inside the output folder: a URL never holds a file
name (which can hold a target's name), and a request can only ever name a file that a
listing of the folder found — there is no path to traverse.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OutputFile:
    key: str
    name: str
    path: Path
    size: int


def listing(folder: Path) -> list[OutputFile]:
    """The files of ``folder`` (its bookkeeping files left out), by name."""
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if not path.is_file() or path.is_symlink() or relative.startswith("."):
            continue
        key = hashlib.sha256(f"{folder.resolve()}\0{relative}".encode()).hexdigest()[:24]
        out.append(OutputFile(key, relative, path, path.stat().st_size))
    return out


def find(folders: list[Path], key: str) -> OutputFile | None:
    """The file with ``key`` in one of ``folders``, if there is one."""
    for folder in folders:
        for item in listing(folder):
            if item.key == key:
                return item
    return None
