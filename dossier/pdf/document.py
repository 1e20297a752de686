"""The page template: running header (case, audience marking), page numbers, table of
contents, PDF bookmarks and metadata, byte-stable output."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from dossier.pdf.fonts import register_fonts
from dossier.pdf.picture import SketchCanvas
from dossier.pdf.styles import styles

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN


@dataclass(frozen=True)
class DocInfo:
    """What goes into the running header and the PDF metadata."""

    title: str
    subject: str
    author: str
    header: str
    marking: str
    page_label: str
    date: str          # YYYY-MM-DD (or partial) used as creation date
    #: drawn across every page when the document holds unreviewed (draft) material
    watermark: str = ""


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` points, at a word boundary
    (a single word longer than the width is cut inside it)."""
    if stringWidth(text, font, size) <= width:
        return text
    words = text.split()
    while len(words) > 1 and stringWidth(" ".join(words) + " …", font, size) > width:
        words.pop()
    shortened = " ".join(words).rstrip(",;:–—-") + " …"
    if stringWidth(shortened, font, size) <= width:
        return shortened
    cut = words[0] if words else text
    while cut and stringWidth(cut + "…", font, size) > width:
        cut = cut[:-1]
    return cut + "…"


class DossierTemplate(BaseDocTemplate):  # type: ignore[misc]
    """A4 pages with header, footer, bookmarks for h1/h2 and TOC notifications."""

    def __init__(self, buffer: io.BytesIO, info: DocInfo, sketch: bool = True):
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN + 6 * mm, bottomMargin=MARGIN, invariant=1,
                         title=info.title, author=info.author, subject=info.subject,
                         creator="sanctions-dossier", producer="sanctions-dossier",
                         initialFontName=register_fonts())
        self.info = info
        frame = Frame(MARGIN, MARGIN, WIDTH, A4[1] - 2 * MARGIN - 6 * mm, id="body")
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._decorate)])
        self._bookmark = 0
        self._top_seen = False
        self._sketch = sketch
        #: layout passes so far; the first only collects the table of contents
        self.passes = 0
        #: a picture was left out of some pass
        self.sketched = False

    def beforeDocument(self) -> None:
        """Each pass of the table-of-contents build starts counting bookmarks afresh.
        The first pass is only measured for page numbers: pictures take their place
        without their pixels (``render`` redraws if that pass turns out to be final)."""
        self._bookmark = 0
        self._top_seen = False
        self.passes += 1
        if isinstance(self.canv, SketchCanvas):
            self.canv.sketching = self._sketch and self.passes == 1

    def _decorate(self, canvas: Canvas, doc: Any) -> None:
        font = register_fonts()
        canvas.saveState()
        date = self.info.date
        stamp = "D:" + (date.replace("-", "") + "0101")[:8] + "000000+00'00'"
        canvas.setDateFormatter(lambda *args: stamp)
        canvas.setFont(font, 7.5)
        top = A4[1] - MARGIN + 2 * mm
        room = WIDTH - stringWidth(self.info.marking, font + "-Bold", 7.5) - 6 * mm
        canvas.drawString(MARGIN, top, fit_text(self.info.header, font, 7.5, room))
        canvas.setFont(font + "-Bold", 7.5)
        canvas.drawRightString(A4[0] - MARGIN, top, self.info.marking)
        canvas.setFont(font, 7.5)
        canvas.drawCentredString(A4[0] / 2, MARGIN - 8 * mm,
                                 f"{self.info.page_label} {doc.page}")
        canvas.drawRightString(A4[0] - MARGIN, MARGIN - 8 * mm, self.info.marking)
        if self.info.watermark:
            canvas.setFont(font + "-Bold", 44)
            canvas.setFillColorRGB(0.85, 0.2, 0.2, alpha=0.18)
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, 0, fit_text(self.info.watermark, font + "-Bold", 44,
                                                    A4[1] * 0.95))
            canvas.rotate(-45)
            canvas.translate(-A4[0] / 2, -A4[1] / 2)
            canvas.setFillColorRGB(0.75, 0.1, 0.1, alpha=1)
            canvas.setFont(font + "-Bold", 7.5)
            canvas.drawString(MARGIN, MARGIN - 8 * mm, self.info.watermark)
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(self.canv, SketchCanvas) and self.canv.sketched:
            self.sketched = True
        if not isinstance(flowable, Paragraph):
            return
        level = {"h1": 0, "h2": 1}.get(flowable.style.name)
        if level is None:
            return
        if level == 0:
            self._top_seen = True
        elif not self._top_seen:
            level = 0  # an outline must start at the top level
        text = flowable.getPlainText()
        key = f"section-{self._bookmark}"
        self._bookmark += 1
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=False)
        if level == 0:
            self.notify("TOCEntry", (0, text, self.page, key))


def table_of_contents() -> TableOfContents:
    toc = TableOfContents()
    toc.levelStyles = [styles()["toc1"]]
    toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), register_fonts()),
                                 ("VALIGN", (0, 0), (-1, -1), "TOP")])
    return toc


def render(info: DocInfo, story: list[Flowable]) -> bytes:
    """Build the PDF (two passes for the table of contents) and return its bytes."""
    buffer = io.BytesIO()
    template = DossierTemplate(buffer, info)
    template.multiBuild(story, canvasmaker=SketchCanvas)
    if template.passes == 1 and template.sketched:  # nothing to collect: draw it whole
        buffer = io.BytesIO()
        DossierTemplate(buffer, info, sketch=False).multiBuild(story, canvasmaker=SketchCanvas)
    return buffer.getvalue()
