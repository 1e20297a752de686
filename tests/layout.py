"""Layout checks of rendered PDFs from the character boxes pdfplumber reports: every
upright character inside the page's margins, no two characters on top of each other, and
no two text lines on a page overlapping (lines whose horizontal extents meet must not
share vertical space). The rotated draft watermark is left out. The evidence map and
timeline are vector drawings whose labels (at most :data:`PICTURE_SIZE` points, smaller
than any of the dossier's own text) sit side by side in columns: they are no text lines,
so for a dossier (``pictures=True``) they are checked character by character only (their
boxes, label by label, in ``tests/test_pictures.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber

#: how much two boxes may touch before they count as overlapping (points)
TOLERANCE = 0.6
#: the largest text of a picture (the dossier's own text is 7.5 points and larger)
PICTURE_SIZE = 7.05


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


def _level(char: dict[str, object]) -> bool:
    """Whether a character is set level (not rotated, as the draft watermark is)."""
    matrix = char.get("matrix")
    if not isinstance(matrix, tuple | list):
        return True
    return abs(float(matrix[1])) < 1e-6 and abs(float(matrix[2])) < 1e-6


def lines(path: Path, pictures: bool = False
          ) -> tuple[list[Line], list[tuple[int, float, float]]]:
    """The upright text lines of every page (with ``pictures``, leaving out text at
    picture size), and every page's (number, width, height)."""
    smallest = PICTURE_SIZE if pictures else 0.0
    out: list[Line] = []
    pages = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            pages.append((number, float(page.width), float(page.height)))
            upright = page.filter(lambda obj: obj.get("object_type") != "char"
                                  or (_level(obj) and obj["size"] > smallest))
            for line in upright.extract_text_lines(return_chars=False):
                out.append(Line(number, line["text"], float(line["x0"]), float(line["x1"]),
                                float(line["top"]), float(line["bottom"])))
    return out, pages


def char_overlaps(path: Path, share: float = 0.25) -> list[str]:
    """Characters whose boxes overlap by more than ``share`` of the smaller box: text
    printed over other text (wrapped lines running into the next row, labels on labels),
    which line grouping alone can miss. Level characters only; spaces ignored."""
    out = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            chars = [c for c in page.chars if _level(c) and c["text"].strip()]
            grid: dict[tuple[int, int], list[int]] = {}
            for index, c in enumerate(chars):
                for gx in range(int(c["x0"] // 20), int(c["x1"] // 20) + 1):
                    for gy in range(int(c["top"] // 20), int(c["bottom"] // 20) + 1):
                        grid.setdefault((gx, gy), []).append(index)
            seen: set[tuple[int, int]] = set()
            for members in grid.values():
                for i, a in enumerate(members):
                    for b in members[i + 1:]:
                        if (a, b) in seen:
                            continue
                        seen.add((a, b))
                        ca, cb = chars[a], chars[b]
                        w = min(ca["x1"], cb["x1"]) - max(ca["x0"], cb["x0"])
                        h = min(ca["bottom"], cb["bottom"]) - max(ca["top"], cb["top"])
                        if w <= 0 or h <= 0:
                            continue
                        smaller = min((ca["x1"] - ca["x0"]) * (ca["bottom"] - ca["top"]),
                                      (cb["x1"] - cb["x0"]) * (cb["bottom"] - cb["top"]))
                        if smaller > 0 and w * h > share * smaller:
                            out.append(f"page {number}: {ca['text']!r} at "
                                       f"({ca['x0']:.0f}, {ca['top']:.0f}) overlaps "
                                       f"{cb['text']!r}")
    return out


def problems(path: Path, margin: float = 14.0, min_size: float = 0.0,
             pictures: bool = False) -> list[str]:
    """Text off the page's margins (``margin`` points from each edge), overlapping lines,
    and (with ``min_size``) characters smaller than that many points; ``pictures``: the
    PDF is a dossier with pictures, whose labels are not text lines."""
    found, pages = lines(path, pictures)
    sizes = {n: (w, h) for n, w, h in pages}
    out = []
    for line in found:
        width, height = sizes[line.page]
        if line.x0 < margin or line.x1 > width - margin or line.top < margin \
                or line.bottom > height - margin:
            out.append(f"page {line.page}: off the margins: {line.text!r}")
    by_page: dict[int, list[Line]] = {}
    for line in found:
        by_page.setdefault(line.page, []).append(line)
    for page, items in by_page.items():
        items.sort(key=lambda ln: ln.top)
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                if b.top >= a.bottom - TOLERANCE:
                    break
                if min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE:
                    out.append(f"page {page}: {a.text!r} overlaps {b.text!r}")
    out += char_overlaps(path)[:20]
    if min_size:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(pdf.pages, 1):
                small = {round(c["size"], 1) for c in page.chars
                         if _level(c) and c["size"] < min_size}
                if small:
                    out.append(f"page {number}: text at {sorted(small)} pt")
    return out
