"""What every section of a dossier is built from: the :class:`Context` of one target's
dossier (the case view, the target, the language) and the paragraph, heading and table
blocks in the dossier's styles. A table's cells are laid out as cheaply as reportlab
allows without changing a pixel: a short cell seen before once per process
(:func:`_cell`), a cell of several lines line by line (:func:`_lines`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeAlias

from reportlab.platypus import Paragraph, Table

from dossier.pdf.document import WIDTH
from dossier.pdf.styles import styles, table_style
from dossier.pdf.text import t, x
from entities.case.case import Case
from entities.db.evidence_files import Registered
from evidence_maps.analysis import CaseAnalysis, TargetView
from evidence_maps.designations import DesignationReport
from evidence_maps.pseudonyms import Numbering
from evidence_maps.view import CaseView
from exports.pictures import Pictures


@dataclass
class Context:
    """One target's dossier: the view it is written from, the target, the language, and
    its pictures as laid out (``None``: a dossier without them)."""

    view: CaseView
    target: TargetView
    lang: str
    pictures: Pictures | None = None
    #: pseudonyms and withheld items, numbered within this dossier
    numbering: Numbering = field(default_factory=Numbering)
    #: the number of the last section heading made (:meth:`section`)
    sections: int = 0

    def __post_init__(self) -> None:
        """Number the withheld items in the order the dossier first shows them (role and
        responsibility, attribution by attribution), whatever section asks first."""
        self.numbering.lang = self.lang
        for att in self.target.attributions:
            for key in (*att.withheld, *att.withheld_contrary):
                self.numbering.withheld(key)

    def withheld(self, key: str) -> str:
        """"Withheld item N" for a withheld evidence key of the view."""
        return self.numbering.withheld(key)

    def pseudonym(self, record_id: str) -> str:
        """The pseudonym of a protected record in this dossier."""
        return self.numbering.name(record_id, self.view.pseudonyms[record_id])

    @property
    def case(self) -> Case:
        return self.view.case

    @property
    def analysis(self) -> CaseAnalysis:
        return self.view.analysis

    @property
    def audience(self) -> str:
        return self.view.audience

    @property
    def screening(self) -> DesignationReport | None:
        return self.view.screening

    @property
    def files(self) -> dict[str, Registered]:
        return self.view.files

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def title(self, record_id: str) -> str:
        """An incident's or source's title (else the id), for prose and tables."""
        return str(getattr(self.case.index.get(record_id), "title", record_id))

    def section(self, key: str) -> Paragraph:
        """The heading of the next numbered section, titled by the text ``key``."""
        self.sections += 1
        return heading(f"{self.sections}. {self.t(key)}")


class Para(Paragraph):  # type: ignore[misc]
    """A paragraph that keeps its last layout. reportlab lays a table cell out at the
    same width up to four times — measuring the row, measuring the table, splitting it
    at a page end, drawing it — and a paragraph's lines depend on nothing but its width:
    the lines found for a width are used again until it is split (a split may discard
    them) or laid out at another width."""

    _laid_out_at: float | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if available_width == self._laid_out_at:
            return self.width, self.height
        size: tuple[float, float] = super().wrap(available_width, available_height)
        self._laid_out_at = available_width
        return size

    def split(self, available_width: float, available_height: float) -> list[Paragraph]:
        self._laid_out_at = None
        parts: list[Paragraph] = super().split(available_width, available_height)
        return parts


def para(text: str, style: str = "body") -> Paragraph:
    return Para(text, styles()[style])


def heading(text: str, level: int = 1) -> Paragraph:
    return Para(x(text), styles()["h1" if level == 1 else "h2"])


#: The tallest a table row may be; a taller one (a long excerpt) continues in further
#: rows, since a row taller than a page cannot be laid out at all.
MAX_ROW_HEIGHT = 560.0
#: The cells' left plus right padding (see ``styles.table_style``).
CELL_PADDING = 6.0


#: A cell is one paragraph, or the paragraphs of its lines (:func:`_lines`)
Cell: TypeAlias = "Paragraph | list[Paragraph]"
_BREAK = "<br/>"
_TAG = re.compile(r"<(/?)([A-Za-z]+)\b[^>]*?(/?)>")


def _lines(text: str) -> list[str]:
    """``text`` cut at its line breaks into lines that each stand alone — no line empty
    or starting or ending with a space, every tag a line opens closed in it — else
    ``[text]``. Drawn one below the other at the cell's width, such lines look as the
    text does as one paragraph (each line a paragraph of its own lines, the same leading),
    and a paragraph of one plain run of text is laid out by reportlab's quicker path."""
    if _BREAK not in text:
        return [text]
    lines = text.split(_BREAK)
    if all(line and line == line.strip() and _closed(line) for line in lines):
        return lines
    return [text]


def _closed(line: str) -> bool:
    """Every tag ``line`` opens is closed in it, in order."""
    opened: list[str] = []
    for tag in _TAG.finditer(line):
        closing, name, alone = tag.groups()
        if alone:
            continue
        if not closing:
            opened.append(name.lower())
        elif not opened or opened.pop() != name.lower():
            return False
    return not opened


def _height(cell: Cell, width: float) -> float:
    parts = cell if isinstance(cell, list) else [cell]
    return float(sum(part.wrap(width, 1e9)[1] for part in parts))


def _rows_of(texts: list[str], kinds: list[str], widths: list[float]) -> list[list[Cell]]:
    """The cells ``texts`` (in the styles ``kinds``) as one table row, or as several when
    one cell is taller than :data:`MAX_ROW_HEIGHT` (its text continues in the next row)."""
    usable = [w - CELL_PADDING for w in widths]
    cells: list[Cell] = []
    for text, kind, width in zip(texts, kinds, widths, strict=True):
        lines = _lines(text)
        cells.append(_cell(text, kind, width) if len(lines) == 1
                     else [_cell(line, kind, width) for line in lines])
    if max(_height(c, w) for c, w in zip(cells, usable, strict=True)) <= MAX_ROW_HEIGHT:
        return [cells]
    columns: list[list[Paragraph]] = []
    for text, kind, width in zip(texts, kinds, usable, strict=True):
        pieces, rest = [], Para(text, styles()[kind])
        while rest.wrap(width, 1e9)[1] > MAX_ROW_HEIGHT:
            parts = rest.split(width, MAX_ROW_HEIGHT)
            if len(parts) < 2:
                break  # nothing to split at: leave it whole
            pieces.append(parts[0])
            rest = parts[1]
        columns.append([*pieces, rest])
    empty = Para("", styles()["cell"])
    count = max(len(c) for c in columns)
    return [[c[i] if i < len(c) else empty for c in columns] for i in range(count)]


#: Cells of at most this many characters, seen before in a column of the same width, are
#: laid out once per process and drawn wherever they appear again (:func:`_cell`)
SHARED_TEXT = 400
#: The most such cells a process keeps (then it shares only those it has: the texts
#: that repeat most appear early), and the most texts it remembers having seen once
SHARED_CELLS = 4_000
SEEN_CELLS = 100_000
_shared: dict[tuple[str, str, float], Para] = {}
_seen: set[tuple[str, str, float]] = set()


def _cell(text: str, style: str, width: float) -> Para:
    """The cell ``text`` in ``style`` for a column ``width`` wide. A short text seen
    before is one paragraph object shared by every table of the process that shows it in
    a column of that width — most of a dossier's cells ("reported", "—", a regime's name,
    its standard of proof) repeat from dossier to dossier, and a shared cell is parsed
    and laid out once (:class:`Para` keeps its lines for its width) and then only drawn.
    A table never changes its cells (it splits between rows), and a cell's drawing
    depends on nothing but its text, style and width: the PDFs are the same bytes.
    A text seen once (a date, a name) is not kept: only its key is remembered."""
    key = (text, style, width)
    cell = _shared.get(key)
    if cell is not None:
        return cell
    cell = Para(text, styles()[style])
    if len(text) <= SHARED_TEXT and len(_shared) < SHARED_CELLS:
        if key in _seen:
            _shared[key] = cell
        else:
            if len(_seen) >= SEEN_CELLS:
                _seen.clear()
            _seen.add(key)
    return cell


def table(header: list[str], rows: list[list[str]], widths: list[float],
          wrap_anywhere: frozenset[int] = frozenset()) -> Table:
    """A table of wrapped cells whose header row repeats on every page; columns in
    ``wrap_anywhere`` (hashes, web addresses) may break inside a word; a row too tall for
    a page continues in the rows below it."""
    total = sum(widths)
    column_widths = [WIDTH * w / total for w in widths]
    data: list[list[Cell]] = [[_cell(x(h), "cellhead", w)
                               for h, w in zip(header, column_widths, strict=True)]]
    kinds = ["cellwrap" if i in wrap_anywhere else "cell" for i in range(len(header))]
    for row in rows:
        data += _rows_of(row, kinds, column_widths)
    result = Table(data, colWidths=column_widths, repeatRows=1)
    result.setStyle(table_style())
    return result
