"""Raster pictures in a dossier, decoded once however many layout passes the PDF takes.

reportlab's own ``Image`` re-reads and re-decodes its file on every pass of the
table-of-contents build, splits a PNG's alpha channel into a separate mask, and copies a
JPEG file into the PDF byte for byte — its EXIF, XMP and IPTC metadata, comments, GPS
position and thumbnail included. A ``Picture`` decodes every image once (JPEG too),
flattens it onto white and keeps only its pixels, so nothing but pixels reaches the
PDF; it hands the same reader to every pass, and is not drawn at all in a measuring
pass: a dossier is laid out in one pass (:class:`dossier.pdf.document.Contents`), but
when it falls back to reportlab's two-pass contents the template draws on a
:class:`SketchCanvas`, which says whether the current pass is one that only measures.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageOps
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable


def _flat(path: Path) -> PILImage.Image:
    """The image's pixels only, upright, on white: a new image, without any of the file's
    metadata (EXIF, XMP, IPTC, ICC, comments, text chunks, thumbnails)."""
    with PILImage.open(path) as opened:
        opened.load()
        image: PILImage.Image = ImageOps.exif_transpose(opened) or opened  # upright
        if image.mode in ("RGBA", "LA", "P", "PA"):
            rgba = image.convert("RGBA")
            white = PILImage.new("RGBA", rgba.size, "white")
            flat = PILImage.alpha_composite(white, rgba).convert("RGB")
        else:
            flat = image.convert("RGB") if image.mode != "RGB" else image
        pixels = PILImage.new("RGB", flat.size)  # a fresh image: pixels, no metadata
        pixels.paste(flat)
        return pixels


class SketchCanvas(Canvas):  # type: ignore[misc]
    """A reportlab canvas that knows whether its pass only measures the layout."""

    #: pictures take their space but are not drawn (set by the template for each pass)
    sketching = False
    #: a picture was left out in this pass
    sketched = False


class Picture(Flowable):  # type: ignore[misc]
    """Decoded pixels drawn at ``width`` × ``height`` points."""

    def __init__(self, source: ImageReader, width: float, height: float):
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
    the file is decoded once, here, and only its pixels are kept."""
    pixels = _flat(path)
    w, h = pixels.size
    scale = min(max_width / w, max_height / h, max_scale)
    return Picture(ImageReader(pixels), w * scale, h * scale)
