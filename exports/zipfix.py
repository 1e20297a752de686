"""Byte-stable XLSX: fixed timestamps inside the zip and in the document properties."""

from __future__ import annotations

import io
import re
import zipfile


def stable_zip(data: bytes, date: str | None) -> bytes:
    """Rewrite a zip (an .xlsx) with every entry dated ``date`` (YYYY-MM-DD)."""
    year, month, day = (int(p) for p in ((date or "2000-01-01") + "-01-01")[:10].split("-"))
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(year, month, day, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                stamp = f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z".encode()
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp,
                                 content)
            target.writestr(fixed, content)
    return out.getvalue()
