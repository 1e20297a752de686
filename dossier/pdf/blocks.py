"""What every section of a dossier is built from: the :class:`Context` of one target's
dossier (the case view, the target, the language) and the paragraph, heading and table
blocks in the dossier's styles."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import Paragraph, Table

from dossier.pdf.document import WIDTH
from dossier.pdf.styles import styles, table_style
from dossier.pdf.text import t, x
from entities.case.case import Case
from entities.db.evidence_files import Registered
from evidence_maps.analysis import CaseAnalysis, TargetView
from evidence_maps.designations import DesignationReport
from evidence_maps.view import CaseView


@dataclass
class Context:
    """One target's dossier: the view it is written from, the target, the language, and
    the folder of its pictures."""

    view: CaseView
    target: TargetView
    lang: str
    pictures: Path | None = None

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


def para(text: str, style: str = "body") -> Paragraph:
    return Paragraph(text, styles()[style])


def heading(text: str, level: int = 1) -> Paragraph:
    return Paragraph(x(text), styles()["h1" if level == 1 else "h2"])


def table(header: list[str], rows: list[list[str]], widths: list[float],
          wrap_anywhere: frozenset[int] = frozenset()) -> Table:
    """A table of wrapped cells whose header row repeats on every page; columns in
    ``wrap_anywhere`` (hashes, web addresses) may break inside a word."""
    data = [[Paragraph(x(h), styles()["cellhead"]) for h in header]]
    data += [[Paragraph(cell, styles()["cellwrap" if i in wrap_anywhere else "cell"])
              for i, cell in enumerate(row)] for row in rows]
    total = sum(widths)
    result = Table(data, colWidths=[WIDTH * w / total for w in widths], repeatRows=1)
    result.setStyle(table_style())
    return result
