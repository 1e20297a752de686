"""Raster pictures in a dossier, decoded once however many layout passes the PDF takes.

reportlab's own ``Image`` re-reads and re-decodes its file on every pass of the
table-of-contents build, and splits a PNG's alpha channel into a separate mask. A
``Picture`` flattens the image onto white once, keeps the RGB pixels, hands the same
reader to every pass, and is not drawn at all in the dossier template's first (measuring)
pass: the template draws on a :class:`SketchCanvas`, which says whether the current pass
is one that only measures. JPEG files are passed through undecoded, as reportlab does.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image as PILImage
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

_JPEG = (".jpg", ".jpeg")


def _flat(path: Path) -> PILImage.Image:
    with PILImage.open(path) as image:
        image.load()
        if image.mode in ("RGBA", "LA", "P", "PA"):
            rgba = image.convert("RGBA")
            white = PILImage.new("RGBA", rgba.size, "white")
            return PILImage.alpha_composite(white, rgba).convert("RGB")
        return image.convert("RGB") if image.mode not in ("RGB", "L") else image.copy()


class SketchCanvas(Canvas):  # type: ignore[misc]
    """A reportlab canvas that knows whether its pass only measures the layout."""

    #: pictures take their space but are not drawn (set by the template for each pass)
    sketching = False
    #: a picture was left out in this pass
    sketched = False


class Picture(Flowable):  # type: ignore[misc]
    """An image (a JPEG file's path, or decoded pixels) drawn at ``width`` × ``height``
    points."""

    def __init__(self, source: str | ImageReader, width: float, height: float):
        super().__init__()
        self.source = source
        self.width = width
        self.height = height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        if isinstance(canvas, SketchCanvas) and canvas.sketching:
            canvas.sketched = True  # a measuring pass: the space is what counts
            return
        canvas.drawImage(self.source, 0, 0, self.width, self.height)


def picture(path: Path, max_width: float, max_height: float,
            max_scale: float = 1.0) -> Picture:
    """A ``Picture`` of ``path`` scaled to fit the box (points per pixel ≤ ``max_scale``);
    the file is decoded once, here (a JPEG only has its header read)."""
    source: str | ImageReader
    if path.suffix.lower() in _JPEG:
        with PILImage.open(path) as image:
            w, h = image.size
        source = str(path)
    else:
        pixels = _flat(path)
        w, h = pixels.size
        source = ImageReader(pixels)
    scale = min(max_width / w, max_height / h, max_scale)
    return Picture(source, w * scale, h * scale)
