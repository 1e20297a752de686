"""The page template: running header (case, audience marking), page numbers, table of
contents (laid out in the same single pass as the rest), PDF bookmarks and metadata,
byte-stable output."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

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

from dossier.pdf.picture import SketchCanvas
from dossier.pdf.styles import styles
from exports.fonts import register_fonts

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

    def __init__(self, buffer: io.BytesIO, info: DocInfo, sketch: bool = True,
                 contents: list[str] | None = None):
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
        #: the titles of a one-pass :class:`Contents` (``None``: reportlab's contents)
        self.contents = contents
        #: the top-level headings met, in order
        self.entries: list[str] = []

    def beforeDocument(self) -> None:
        """Each pass of the table-of-contents build starts counting bookmarks afresh.
        The first pass is only measured for page numbers: pictures take their place
        without their pixels (``render`` redraws if that pass turns out to be final)."""
        self._bookmark = 0
        self._top_seen = False
        self.entries = []
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
        level = outline_level(flowable, self._top_seen)
        if level is None:
            return
        self._top_seen = self._top_seen or flowable.style.name == "h1"
        text = flowable.getPlainText()
        key = f"section-{self._bookmark}"
        self._bookmark += 1
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=False)
        if level == 0:
            self.notify("TOCEntry", (0, text, self.page, key))
            index = len(self.entries)
            self.entries.append(text)
            if self.contents is not None and index < len(self.contents):
                self._number(index)

    def _number(self, index: int) -> None:
        """Define the form holding contents entry ``index``'s page number (drawn right
        aligned at its origin), and the destination its entry links to."""
        canvas = self.canv
        canvas.bookmarkPage(f"contents-{index}")
        style = styles()["toc1"]
        canvas.beginForm(page_form(index), -_NUMBERS, -style.fontSize, 0, style.leading)
        canvas.setFont(style.fontName, style.fontSize)
        canvas.drawRightString(0, 0, str(self.page))
        canvas.endForm()


def table_of_contents() -> Contents:
    """The table of contents a dossier's story holds (see :class:`Contents`)."""
    return Contents()


def _reportlab_contents() -> TableOfContents:
    toc = TableOfContents()
    toc.levelStyles = [styles()["toc1"]]
    toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), register_fonts()),
                                 ("VALIGN", (0, 0), (-1, -1), "TOP")])
    return toc


#: the width kept for the page numbers at the right of the table of contents, and the
#: space around each entry (as reportlab's own contents, a table, leaves)
_NUMBERS = 28.0
_PAD_X, _PAD_Y = 6.0, 3.0


def page_form(index: int) -> str:
    """The name of the PDF form holding the page number of contents entry ``index``."""
    return f"contents-page-{index}"


class Contents(Flowable):  # type: ignore[misc]
    """The table of contents, laid out in the same single pass as the rest: its titles
    are the story's top-level headings (found before the build, :func:`headings`), and
    each page number is a PDF form (``canvas.doForm``, which may name a form defined
    later) that the template defines when the heading is placed. Each entry links to
    its heading."""

    def __init__(self, titles: list[str] | None = None, first: int = 0):
        super().__init__()
        self.titles = titles or []
        self.first = first
        self._rows: list[tuple[Paragraph, float]] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        style = styles()["toc1"]
        self.width = available_width
        self._rows = []
        for title in self.titles:
            row = Paragraph(escape(title), style)
            _, height = row.wrap(available_width - _NUMBERS - 2 * _PAD_X, available_height)
            self._rows.append((row, height + 2 * _PAD_Y))
        self.height = sum(h for _, h in self._rows)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        self.wrap(available_width, available_height)
        fits, used = 0, 0.0
        for _, height in self._rows:
            if used + height > available_height:
                break
            fits, used = fits + 1, used + height
        if fits == 0:
            return []
        return [Contents(self.titles[:fits], self.first),
                Contents(self.titles[fits:], self.first + fits)]

    def draw(self) -> None:
        canvas = self.canv
        style = styles()["toc1"]
        y = self.height
        for index, (row, height) in enumerate(self._rows, start=self.first):
            y -= height
            row.drawOn(canvas, _PAD_X, y + _PAD_Y)
            canvas.saveState()
            # at the right edge, on the first line's baseline (as reportlab's contents)
            canvas.translate(self.width + _PAD_X, y + height - _PAD_Y - style.fontSize)
            canvas.doForm(page_form(index))
            canvas.restoreState()
            canvas.linkRect("", f"contents-{index}", (0, y, self.width, y + height),
                            relative=1)


def outline_level(flowable: Flowable, top_seen: bool) -> int | None:
    """A heading's level in the outline (0: also in the contents), ``None`` for anything
    else: ``h1`` is 0, ``h2`` 1 — but 0 before the first ``h1`` (``top_seen``), as an
    outline must start at the top level."""
    if not isinstance(flowable, Paragraph):
        return None
    level = {"h1": 0, "h2": 1}.get(flowable.style.name)
    return 0 if level == 1 and not top_seen else level


def headings(story: list[Flowable]) -> list[str]:
    """The titles the template puts into the contents, in order: the top-level
    flowables of ``story`` at outline level 0 (:func:`outline_level`)."""
    out, top = [], False
    for flowable in story:
        if outline_level(flowable, top) == 0:
            out.append(flowable.getPlainText())
        top = top or (isinstance(flowable, Paragraph) and flowable.style.name == "h1")
    return out


def render(info: DocInfo, story: list[Flowable]) -> bytes:
    """Build the PDF in one layout pass and return its bytes.

    Should the headings the template meets not be those :func:`headings` found (a
    heading inside another flowable), the document is built again with reportlab's own
    table of contents, which takes a measuring pass first."""
    titles = headings(story)
    for flowable in story:
        if isinstance(flowable, Contents):
            flowable.titles, flowable.first = titles, 0
    buffer = io.BytesIO()
    template = DossierTemplate(buffer, info, sketch=False, contents=titles)
    try:
        template.build(story[:], canvasmaker=SketchCanvas)
        if template.entries == titles:
            return buffer.getvalue()
    except (KeyError, ValueError):  # a page-number form never defined
        pass
    story = [_reportlab_contents() if isinstance(f, Contents) else f for f in story]
    buffer = io.BytesIO()
    template = DossierTemplate(buffer, info)
    template.multiBuild(story, canvasmaker=SketchCanvas)
    if template.passes == 1 and template.sketched:  # nothing to collect: draw it whole
        buffer = io.BytesIO()
        DossierTemplate(buffer, info, sketch=False).multiBuild(story, canvasmaker=SketchCanvas)
    return buffer.getvalue()
