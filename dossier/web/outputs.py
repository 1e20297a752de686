"""The files of a build, offered for download by an opaque key, never by path.

A file's key is a digest of its path inside the output folder: a URL never holds a file
name (which can hold a target's name), and a request can only ever name a file that a
listing of the folder found — there is no path to traverse.

Folders are offered too, as zip archives made when asked for: the whole build, and each
of its folders (the OpenSanctions dataset, the dossiers, the maps).
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OutputFile:
    key: str
    name: str
    path: Path
    size: int
    #: a folder, sent as a zip archive of its files
    folder: bool = False


def listing(folder: Path) -> list[OutputFile]:
    """The files of ``folder`` (its bookkeeping files left out), by name."""
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if not path.is_file() or path.is_symlink() or relative.startswith("."):
            continue
        out.append(OutputFile(_key(folder, relative), relative, path, path.stat().st_size))
    return out


def _key(folder: Path, relative: str) -> str:
    return hashlib.sha256(f"{folder.resolve()}\0{relative}".encode()).hexdigest()[:24]


def archives(folder: Path) -> list[OutputFile]:
    """The zip archives offered for ``folder``: the whole of it, then each folder in it
    that holds files; ``size`` is that of the files inside (the archive is made when
    downloaded)."""
    files = listing(folder)
    if not files:
        return []
    tops = sorted({f.name.split("/", 1)[0] for f in files if "/" in f.name})
    out = [OutputFile(_key(folder, "zip:"), folder.name + ".zip", folder,
                      sum(f.size for f in files), folder=True)]
    for top in tops:
        inside = [f for f in files if f.name.startswith(top + "/")]
        out.append(OutputFile(_key(folder, "zip:" + top), top + ".zip", folder / top,
                              sum(f.size for f in inside), folder=True))
    return out


def write_zip(item: OutputFile, path: Path) -> None:
    """Write the archive of a folder entry of :func:`archives` at ``path``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for inside in listing(item.path):
            archive.write(inside.path, inside.name)


def find(folders: list[Path], key: str) -> OutputFile | None:
    """The file with ``key`` in one of ``folders``, if there is one."""
    for folder in folders:
        for item in archives(folder) + listing(folder):
            if item.key == key:
                return item
    return None
