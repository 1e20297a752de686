"""Source files brought into a case (uploaded through the app, or a web capture
imported): limited in size and type, written only into the case's ``sources/`` folder
under a cleaned name, never over an existing file, with the audit entry; the caller is
told the file's SHA-256 and the path a source record cites."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from entities.db.changes import case_files_lock, commit_change
from entities.exc import InvalidInput, Problem

#: the largest file accepted (a scanned report, a short video)
MAX_BYTES = 50 * 1024 * 1024
#: the kinds of file a source can be
ALLOWED = {".pdf", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".txt", ".html", ".htm",
           ".docx", ".odt", ".xlsx", ".ods", ".csv", ".mp3", ".m4a", ".wav", ".mp4",
           ".webm", ".warc", ".wacz", ".eml"}
#: endings of more than one part that are allowed too
ALLOWED_ENDINGS = (".warc.gz",)
SOURCES = "sources"


@dataclass(frozen=True)
class Uploaded:
    path: str
    sha256: str
    size: int


def clean_name(name: str) -> str:
    """A file name safe inside ``sources/``: the last part of what the browser sent,
    letters (any script), digits, dots, dashes and underscores only, no leading dot."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = re.sub(r"[^\w.\-]+", "-", stem, flags=re.UNICODE).strip("-._")
    suffix = re.sub(r"[^\w.]", "", suffix)
    return f"{stem[:100]}{suffix}" if stem else ""


def save_upload(root: Path, name: str, data: bytes, by: str) -> Uploaded:
    """Write an uploaded file into ``sources/``.

    Raises:
        InvalidInput: too large, a kind of file a source cannot be, no usable name, or a
            file of that name exists already (nothing is written).
    """
    cleaned = clean_name(name)
    problems = []
    if len(data) > MAX_BYTES:
        problems.append(f"is {len(data) // (1024 * 1024)} MB; the most accepted is "
                        f"{MAX_BYTES // (1024 * 1024)} MB")
    suffix = Path(cleaned).suffix.lower()
    if not cleaned or (suffix not in ALLOWED and
                       not cleaned.lower().endswith(ALLOWED_ENDINGS)):
        problems.append(f"is not a kind of file a source can be ({', '.join(sorted(ALLOWED))})")
    relative = f"{SOURCES}/{cleaned}"
    target = root / relative
    if not problems and target.exists():
        problems.append(f"{relative} exists already; rename the file and upload it again")
    if problems:
        raise InvalidInput([Problem(name or "upload", 0, "", p) for p in problems],
                           "the uploaded file")
    assert target.resolve().parent == (root / SOURCES).resolve()  # cleaned: no way out
    digest = hashlib.sha256(data).hexdigest()
    with case_files_lock(root):
        target.parent.mkdir(exist_ok=True)
        commit_change(root, {target: data}, "upload", relative, None,
                      {"sha256": digest, "size": len(data)}, actor=by)
    return Uploaded(relative, digest, len(data))
