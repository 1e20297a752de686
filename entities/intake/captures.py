"""Web captures (WACZ, WARC) as sources: the capture file is kept in ``sources/`` (and
registered by the next build like any evidence file), and a source record cites it with
the page's address and title, and a collection record saying when and with what it was
captured — the capture's own account, read with ``warcio``.

A WACZ (the format of ArchiveWeb.page, Browsertrix, Webrecorder) is a zip holding WARC
files, a list of pages (``pages/pages.jsonl``: address, time, title) and a
``datapackage.json`` naming the software. A WARC alone gives the address and time of its
first response record and the software of its ``warcinfo`` record.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import yaml

from entities.exc import InvalidInput, Problem

#: the endings of the files read as web captures
SUFFIXES = (".wacz", ".warc", ".warc.gz")


@dataclass(frozen=True)
class Capture:
    """What a capture says of itself."""

    url: str
    #: when the page was captured (UTC, ``2024-01-05T09:30:00Z``)
    at: str
    title: str | None
    software: str | None


def is_capture(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


def default_source_id(path: Path) -> str:
    """``src-`` and the capture's file name (``Statement 2024.wacz`` →
    ``src-statement-2024``)."""
    import re

    stem = re.sub(r"[^a-z0-9]+", "-", path.name.lower().split(".")[0]).strip("-")
    return f"src-{stem or 'capture'}"


def _problem(path: Path, message: str) -> InvalidInput:
    return InvalidInput([Problem(path.name, 0, "", message)], "the web capture")


def _utc(stamp: str) -> str:
    from entities.case.fields import parse_utc_time

    value = stamp.strip()
    if "T" in value and not value.endswith("Z") and "+" not in value[10:]:
        value += "Z"  # WARC-Date and WACZ times are UTC by definition
    return str(parse_utc_time(value))


def _from_warc(stream: IO[bytes]) -> tuple[str | None, str | None, str | None]:
    """The first response's address and time, and the warcinfo's software."""
    from warcio.archiveiterator import ArchiveIterator

    url = at = software = None
    for record in ArchiveIterator(stream):
        if record.rec_type == "warcinfo" and software is None:
            for line in record.content_stream().read().decode("utf-8", "replace").splitlines():
                key, _, value = line.partition(":")
                if key.strip().lower() == "software" and value.strip():
                    software = value.strip()
        elif record.rec_type in ("response", "resource") and url is None:
            url = record.rec_headers.get_header("WARC-Target-URI")
            at = record.rec_headers.get_header("WARC-Date")
        if url and software:
            break
    return url, at, software


def read_capture(path: Path) -> Capture:
    """What the capture at ``path`` says of the page it holds.

    Raises:
        InvalidInput: not a readable WACZ or WARC, or one that names no page.
    """
    url = at = title = software = None
    try:
        if path.name.lower().endswith(".wacz"):
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                if "datapackage.json" in names:
                    package = json.loads(archive.read("datapackage.json"))
                    software = package.get("software") or None
                if "pages/pages.jsonl" in names:
                    for line in archive.read("pages/pages.jsonl").decode("utf-8").splitlines():
                        page = json.loads(line) if line.strip() else {}
                        if page.get("url"):
                            url, at, title = page["url"], page.get("ts"), page.get("title")
                            break
                warcs = [n for n in names if n.startswith("archive/") and
                         n.lower().endswith((".warc", ".warc.gz"))]
                if warcs and (url is None or at is None or software is None):
                    found = _from_warc(io.BytesIO(archive.read(warcs[0])))
                    url, at = url or found[0], at or found[1]
                    software = software or found[2]
        else:
            with path.open("rb") as stream:
                url, at, software = _from_warc(stream)
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
        raise _problem(path, f"cannot be read as a web capture ({exc})") from None
    except Exception as exc:  # warcio's own errors for a file that is not a WARC
        if type(exc).__module__.startswith("warcio"):
            raise _problem(path, f"is not a WARC file ({exc})") from None
        raise
    if not url or not at:
        raise _problem(path, "names no captured page (no address and time of capture)")
    try:
        when = _utc(at)
    except ValueError as exc:
        raise _problem(path, f"gives a capture time that cannot be read: {exc}") from None
    return Capture(url, when, title, software)


def import_capture(root: Path, path: Path, by: str, source_id: str,
                   reliability: str = "F") -> str:
    """Keep the capture in ``sources/`` and add a source record citing it (its address,
    title, file, hash and collection record); the id of the new source.

    Raises:
        InvalidInput: the capture cannot be read, or its file name is taken in
            ``sources/`` (nothing is written).
        InvalidCase: the source record would make the case invalid (an id taken…); the
            kept capture file then stays in ``sources/``, to be cited or removed.
    """
    import hashlib

    from entities.intake.records import digest, new_record_file, save_record
    from entities.intake.uploads import save_upload

    capture = read_capture(path)
    data = path.read_bytes()
    kept = save_upload(root, path.name, data, by).path
    collection = {"by": by, "at": capture.at, "method": "web_capture",
                  **({"tool": capture.software} if capture.software else {}),
                  "location": capture.url}
    form = {"id": source_id, "title": capture.title or capture.url,
            "reliability": reliability, "url": capture.url, "accessed": capture.at[:10],
            "file": kept, "sha256": hashlib.sha256(data).hexdigest(),
            "collection": yaml.safe_dump(collection, allow_unicode=True, sort_keys=False)}
    save_record(root, "sources", None, form, digest(new_record_file(root, "sources")), by)
    return source_id
