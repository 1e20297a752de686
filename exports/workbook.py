"""The parliamentary workbook (openpyxl, write-only: rows stream to disk).

Sheets: About, Targets, Incidents, Attributions (person × incident matrix, incidents by
title and date), Evidence, Sources, Designation gaps, every header and label in the
build's language (the catalogue's ``x.*`` messages and the vocabulary labels, never the
codes). Bold frozen header, autofilter, wrapped text with row heights that fit it, full
dates as date cells (a partial date stays text: ``2021-07`` is not a day), hyperlinks,
grade colours, A4 landscape print fitted to the page width with the header repeated and
gridlines. Cell text that a spreadsheet could run as a formula is stored as text.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from entities.case import vocab
from entities.case.case import Case
from entities.case.model import Evidence, Incident, Source
from entities.files import atomic_file
from entities.i18n import text
from evidence_maps.analysis import CaseAnalysis
from evidence_maps.designations import DesignationReport
from evidence_maps.regimes import OUTCOME_MARKS
from exports.cells import formula_like
from exports.zipfix import stable_zip

if TYPE_CHECKING:
    from evidence_maps.view import CaseView

#: light enough that black text stays legible on every one, in print too
GRADE_FILLS = {"strong": "82E0AA", "moderate": "D4EFDF", "weak": "F5CBA7",
               "insufficient": "E6B0AA"}
_FILLS = {grade: PatternFill("solid", fgColor=colour) for grade, colour in GRADE_FILLS.items()}
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")
#: points per line of the default 11-point font, and the widest a sheet may print on one
#: page before it is spread over more pages wide (in character widths)
LINE_POINTS = 15.0
PAGE_CHARACTERS = 220
#: incident columns of one matrix sheet: Excel's 16,384 columns, less the actors' column
MATRIX_COLUMNS = 16_383


def _x(message: str, lang: str, **values: object) -> str:
    return text(f"x.{message}", lang, **values)


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 18
    kind: str = "text"          # text, date, url, grade


@dataclass(frozen=True)
class Graded:
    """A cell's text coloured by a grade (the matrix cells, the strongest grade)."""

    value: str
    grade: str


def lines_of(value: Any, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    # LibreOffice and Excel wrap at word boundaries in a proportional font, and Cyrillic
    # letters are wider than the digit a column width counts in: assume 0.8 of a width
    room = max(1.0, width * 0.8 - 1)
    return sum(max(1, math.ceil(len(part) / room)) for part in value.split("\n"))


def _cell(ws: Any, value: Any, column: Column) -> Any:
    """A styled cell where styling is needed, else the plain value (much faster)."""
    grade = None
    if isinstance(value, Graded):
        value, grade = value.value, value.grade
    if column.kind == "url" and isinstance(value, str) and value.startswith(("http://",
                                                                          "https://")):
        cell = WriteOnlyCell(ws, value=value)
        cell.hyperlink = value
        cell.font = Font(color="1F4E79", underline="single")
        cell.alignment = _WRAP
        return cell
    if column.kind == "date" and isinstance(value, str) and len(value) == 10:
        cell = WriteOnlyCell(ws, value=dt.date.fromisoformat(value))
        cell.number_format = "yyyy-mm-dd"
        return cell
    formula = formula_like(value)
    partial_date = column.kind == "date" and isinstance(value, str) and value
    long_text = isinstance(value, str) and (len(value) > column.width or "\n" in value)
    if not (formula or grade in GRADE_FILLS or long_text or partial_date):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if formula or partial_date:
        cell.data_type = "s"            # text, never a formula (nor a made-up day)
        cell.quotePrefix = bool(formula)
    if partial_date:
        cell.number_format = "@"
    if grade in GRADE_FILLS:
        cell.fill = _FILLS[str(grade)]
    cell.alignment = _WRAP
    return cell


def _height(row: list[Any], columns: list[Column]) -> float | None:
    """The row height that shows every wrapped line (``None``: one line, the default)."""
    lines = max((lines_of(v.value if isinstance(v, Graded) else v, c.width)
                 for v, c in zip(row, columns, strict=True) if v is not None), default=1)
    return LINE_POINTS * lines + 2 if lines > 1 else None


def add_sheet(book: Workbook, title: str, columns: list[Column],
              rows: Iterable[list[Any]]) -> int:
    """A streamed sheet; returns the number of data rows written."""
    ws = book.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    total = sum(c.width for c in columns)
    ws.page_setup.fitToWidth = max(1, math.ceil(total / PAGE_CHARACTERS))
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        cell.alignment = _WRAP
        header.append(cell)
    _append(ws, 1, header, _height([c.header for c in columns], columns))
    count = 0
    for row in rows:  # None: an empty cell, not written at all (a sparse matrix costs
        count += 1    # what its filled cells cost)
        height = _height(row, columns)
        cells = [None if value is None else _cell(ws, value, column)
                 for value, column in zip(row, columns, strict=True)]
        if height is not None:  # a tall row: every cell reads from the top
            cells = [None if c is None else _top(ws, c) for c in cells]
        _append(ws, count + 1, cells, height)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def _top(ws: Any, cell: Any) -> Any:
    if isinstance(cell, Cell):
        cell.alignment = _WRAP
        return cell
    styled = WriteOnlyCell(ws, value=cell)
    styled.alignment = _WRAP
    return styled


def _append(ws: Any, index: int, cells: list[Any], height: float | None) -> None:
    """Append a row with its height; the height is dropped once written (rows stream,
    so a large sheet keeps no per-row state)."""
    if height is not None:
        ws.row_dimensions[index].height = height
    ws.append(cells)
    if height is not None:
        del ws.row_dimensions[index]


def _about(view: CaseView, lang: str) -> Iterator[list[Any]]:
    meta = view.case.meta
    yield [_x("case", lang), meta.title]
    yield [_x("date", lang), meta.date or ""]
    yield [_x("audience", lang), _x(f"audience_{view.audience}", lang)]
    yield [_x("submitted_by", lang), meta.organisation.name]
    yield [_x("summary", lang), meta.summary or ""]
    if any(a.status != "reviewed" for a in view.analysis.attributions):
        yield ["", _x("draft_note", lang)]
    yield [_x("grades", lang), _x("grades_text", lang)]
    yield [_x("outcomes", lang), _x("outcomes_text", lang)]
    for key, term in vocab.terms("reliability").items():
        yield [_x("reliability", lang, key=key), term.label(lang)]
    for key, term in vocab.terms("credibility").items():
        yield [_x("credibility", lang, key=key), term.label(lang)]


def evidence_columns(lang: str = "en") -> list[Column]:
    return [Column(_x("id", lang), 14), Column(_x("type", lang), 18),
            Column(_x("source", lang), 16), Column(_x("locator", lang), 14),
            Column(_x("excerpt", lang), 50), Column(_x("translation", lang), 50),
            Column(_x("grade", lang), 7), Column(_x("link", lang), 30, "url"),
            Column(_x("accessed", lang), 11, "date")]


EVIDENCE_COLUMNS = evidence_columns()


def evidence_rows(case: Case, ids: Iterable[str], lang: str = "en") -> Iterator[list[Any]]:
    """Rows of the Evidence sheet (a generator: large registers stream)."""
    for evidence_id in ids:
        item = case.index[evidence_id]
        assert isinstance(item, Evidence)
        source = case.index[item.source]
        assert isinstance(source, Source)
        yield [item.id, vocab.label("evidence_types", item.type, lang), source.id,
               item.locator, item.excerpt, item.translation or "",
               f"{source.reliability}{item.credibility}",
               source.archive_url or source.url or "", source.accessed or ""]


def existing_designations(screening: DesignationReport | None, target_id: str,
                          lang: str = "en") -> str:
    """The Targets sheet's cell: who designated the target, per screening."""
    if screening is None or not screening.screened:
        return _x("screening_not_run", lang)
    outcome = screening.targets.get(target_id)
    if outcome is None or not outcome.screened:
        return _x("not_screened", lang)
    done = outcome.by_status("designated")
    if not done:
        return _x("none_found", lang)
    return "; ".join(f"{j.name(lang)}: {', '.join(j.programs) or _x('listed', lang)}"
                     for j in done)


def gap_rows(screening: DesignationReport | None, analysis: CaseAnalysis, lang: str = "en"
             ) -> tuple[list[Column], list[list[Any]]]:
    """Columns and rows of the Designation gaps sheet."""
    if screening is None or not screening.screened:
        return [Column(_x("target", lang), 30), Column(_x("status", lang), 80)], [
            [t.name, _x("not_run", lang)] for t in analysis.targets]
    from evidence_maps.designations import jurisdiction_name

    codes = screening.jurisdictions
    columns = [Column(_x("target", lang), 26),
               *[Column(jurisdiction_name(c, lang), 22) for c in codes],
               Column(_x("lists_screened", lang), 26), Column(_x("summary", lang), 50)]
    rows: list[list[Any]] = []
    for target in analysis.targets:
        outcome = screening.targets.get(target.id)
        if outcome is None:
            continue
        cells = {j.code: j.describe(lang) for j in outcome.jurisdictions}
        rows.append([target.name, *[cells.get(c, _x("not_screened", lang)) for c in codes],
                     "; ".join(outcome.screened_lists), outcome.gap_sentence(lang)])
    summary = screening.summary()
    for status in ("designated", "not_found", "not_screened"):
        rows.append([_x(f"whole_{status}", lang),
                     *[summary.get(c, {}).get(status, 0) for c in codes], "", ""])
    return columns, rows


def write(view: CaseView, path: Path, lang: str = "en") -> int:
    """The exporter ``xlsx``: the parliamentary workbook for the view's audience, written
    atomically; returns 1."""
    write_briefing_workbook(path, view, lang)
    return 1


def _grade(level: str, lang: str) -> str:
    return text(f"em.grade_{level}", lang)


def _target_rows(view: CaseView, lang: str) -> Iterator[list[Any]]:
    case = view.case
    for target in view.analysis.targets:
        actor = case.index[target.id]
        original = [n.name for n in getattr(actor, "names", []) if n.lang in ("rus", "kaz")]
        posts = [post.title for post in view.posts(target.id)]
        violations = sorted({v for a in target.attributions
                             for v in getattr(case.index[a.incident], "violations", [])})
        met = [f.regime.short + OUTCOME_MARKS[f.outcome] for f in target.findings
               if f.outcome in OUTCOME_MARKS]
        measures = sorted({text(m.context, lang) for f in target.findings
                           for m in f.measure_msgs()})
        yield [target.name, "; ".join(original), _x(f"kind_{target.kind}", lang),
               "; ".join(posts),
               "; ".join(vocab.label("violation_types", v, lang) for v in violations),
               len({a.incident for a in target.attributions}),
               Graded(_grade(target.strongest, lang), target.strongest), "; ".join(met),
               existing_designations(view.screening, target.id, lang), "; ".join(measures)]


def _matrices(view: CaseView, incidents: list[Incident], lang: str
              ) -> Iterator[tuple[str, list[Column], Iterator[list[Any]]]]:
    """The person × incident matrix as sheets (title, columns, rows): one, unless the
    case has more incidents than a sheet has columns — then the incidents in order,
    :data:`MATRIX_COLUMNS` a sheet ("Attributions 1 of 2"…), each sheet with the actors
    attributed one of its incidents."""
    parts = [incidents[at:at + MATRIX_COLUMNS]
             for at in range(0, len(incidents), MATRIX_COLUMNS)] or [[]]
    for number, part in enumerate(parts, start=1):
        title = _x("sheet_attributions", lang) if len(parts) == 1 else \
            _x("sheet_attributions_part", lang, part=number, parts=len(parts))
        yield (title, *_matrix(view, part, lang, only_attributed=len(parts) > 1))


def _matrix(view: CaseView, incidents: list[Incident], lang: str,
            only_attributed: bool = False) -> tuple[list[Column], Iterator[list[Any]]]:
    """The person × incident matrix: incidents by title and date, cells by mode, grade
    (coloured), inferred and draft marks; ``only_attributed``: only the actors with a
    cell among ``incidents`` (else every actor of the analysis)."""
    analysis = view.analysis
    columns = [Column(_x("actor", lang), 26)] + [
        Column(f"{i.title} ({i.date})" if i.date else i.title, 22, "grade")
        for i in incidents]
    names = {t.id: t.name for t in analysis.targets}

    def cell(found: dict[str, Any]) -> Graded:
        bits = [_grade(found["grade"], lang)]
        if found["inferred"]:
            bits.append(_x("inferred", lang))
        if found["status"] != "reviewed":
            bits.append(_x("draft", lang))
        mode = vocab.label("modes_of_responsibility", found["mode"], lang)
        return Graded(f"{mode} ({', '.join(bits)})", found["grade"])

    place = {incident.id: column for column, incident in enumerate(incidents, start=1)}

    def row(actor: str, cells: dict[str, dict[str, Any]]) -> list[Any]:
        """The actor's row: a cell for each incident attributed, the rest empty."""
        out: list[Any] = [names.get(actor, actor), *[None] * len(incidents)]
        for incident_id, found in cells.items():
            if incident_id in place:
                out[place[incident_id]] = cell(found)
        return out

    rows = (row(actor, cells) for actor, cells in analysis.matrix().items()
            if not only_attributed or not place.keys().isdisjoint(cells))
    return columns, rows


def write_briefing_workbook(path: Path, view: CaseView, lang: str = "en") -> Path:
    """Write the parliamentary workbook of ``view`` atomically, in ``lang``."""
    case, analysis, shown = view.case, view.analysis, view.shown
    book = Workbook(write_only=True)
    add_sheet(book, _x("sheet_about", lang), [Column(_x("item", lang), 24),
                                              Column(_x("value", lang), 100)],
              _about(view, lang))
    add_sheet(book, _x("sheet_targets", lang), [
        Column(_x("name", lang), 26), Column(_x("original_script", lang), 24),
        Column(_x("kind", lang), 12), Column(_x("positions", lang), 26),
        Column(_x("violation_types", lang), 34), Column(_x("incidents", lang), 11),
        Column(_x("strongest", lang), 12, "grade"), Column(_x("regimes", lang), 22),
        Column(_x("existing", lang), 24), Column(_x("measures", lang), 24)],
        _target_rows(view, lang))
    incidents = [i for i in case.incidents if i.id in shown]
    add_sheet(book, _x("sheet_incidents", lang), [
        Column(_x("id", lang), 14), Column(_x("date", lang), 12, "date"),
        Column(_x("end", lang), 12, "date"), Column(_x("title", lang), 30),
        Column(_x("place", lang), 16), Column(_x("violations", lang), 34),
        Column(_x("description", lang), 60)],
        ([i.id, i.date or "", i.end_date or "", i.title, i.place or "",
          "; ".join(vocab.label("violation_types", v, lang) for v in i.violations),
          i.description] for i in incidents))
    for title, columns, rows in _matrices(view, incidents, lang):
        add_sheet(book, title, columns, rows)
    cited = dict.fromkeys(e for a in analysis.attributions for e in [*a.evidence, *a.contrary])
    add_sheet(book, _x("sheet_evidence", lang), evidence_columns(lang),
              evidence_rows(case, cited, lang))
    sources = [case.index[s] for s in dict.fromkeys(_source_of(case, e) for e in cited)]
    add_sheet(book, _x("sheet_sources", lang), [
        Column(_x("id", lang), 16), Column(_x("title", lang), 44),
        Column(_x("publisher", lang), 26), Column(_x("published", lang), 11, "date"),
        Column(_x("reliability_column", lang), 22), Column(_x("link", lang), 34, "url")],
        ([s.id, s.title, s.publisher or "", s.published or "",
          f"{s.reliability} – {vocab.label('reliability', s.reliability, lang)}",
          s.archive_url or s.url or ""] for s in sources if isinstance(s, Source)))
    gap_columns, gaps = gap_rows(view.screening, analysis, lang)
    add_sheet(book, _x("sheet_gaps", lang), gap_columns, gaps)
    stamp = dt.datetime.fromisoformat(((case.meta.date or "2000-01-01") + "-01-01")[:10])
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = case.meta.organisation.name
    book.properties.title = f"{case.meta.title} ({_x(f'audience_{view.audience}', lang)})"
    buffer = io.BytesIO()
    book.save(buffer)
    with atomic_file(path) as fh:
        fh.write(stable_zip(buffer.getvalue(), case.meta.date))
    return path


def _source_of(case: Case, evidence_id: str) -> str:
    item = case.index[evidence_id]
    assert isinstance(item, Evidence)
    return item.source
