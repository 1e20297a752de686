"""Files: atomic writes and content digests.

A file is written to a temporary file beside its target, then renamed into place, so a
failed or interrupted run never leaves a half-written file; the previous version stays
until the new one is complete (and a new file never writes through a hard link into a
previous build's outputs).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from entities.exc import OutputError
from entities.progress import QUIET, Progress


def _file_mode() -> int:
    """The mode a plain new file gets under the current umask (mkstemp uses 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _temp_beside(path: Path) -> tuple[int, str]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, _file_mode())
        return fd, tmp
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """Yield a binary handle; the file appears at ``path`` only if the block succeeds."""
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:  # a full disk, a quota, a folder gone: say so, keep the old file
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_files_atomically(outputs: dict[Path, bytes | None]) -> None:
    """Write (or, for ``None``, delete) each path; nothing changes if a write fails."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, data in outputs.items():
            if data is None:
                continue
            fd, tmp = _temp_beside(path)
            temps.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    except (OSError, OutputError) as exc:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OutputError):
            raise
        raise OutputError(f"cannot write the case files: {exc.strerror or exc}") from exc
    for tmp, path in temps:
        os.replace(tmp, path)
    for path, data in outputs.items():
        if data is None:
            path.unlink(missing_ok=True)


def file_digest(path: Path, algorithm: str = "sha256",
                progress: Progress = QUIET) -> str:
    """Hex digest of a file (SHA-256 by default), read in chunks; ``progress`` is told the
    bytes read so far. ``OSError`` is left to the caller, which knows what the file is."""
    digest = hashlib.new(algorithm)
    done = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            done += len(chunk)
            progress.update(done)
    return digest.hexdigest()
