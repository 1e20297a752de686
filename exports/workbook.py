"""The parliamentary workbook (openpyxl, write-only: rows stream to disk).

Sheets: About, Targets, Incidents, Attributions (person × incident matrix), Evidence,
Sources, Designation gaps. Bold frozen header, autofilter, wrapped text, widths, date
formats, hyperlinks, grade colours, landscape print fitted to width with the header row
repeated. Cell text that a spreadsheet could run as a formula is stored as text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from entities.case import vocab
from entities.case.case import Case
from entities.case.model import Evidence, Source
from entities.files import atomic_file
from evidence_maps.analysis import CaseAnalysis
from evidence_maps.designations import DesignationReport
from evidence_maps.regimes import OUTCOME_MARKS
from exports.cells import formula_like
from exports.zipfix import stable_zip

if TYPE_CHECKING:
    from evidence_maps.view import CaseView

GRADE_FILLS = {"strong": "1E8449", "moderate": "7DCEA0", "weak": "F5CBA7",
               "insufficient": "E6B0AA"}
_FILLS = {grade: PatternFill("solid", fgColor=colour) for grade, colour in GRADE_FILLS.items()}
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")
AUDIENCE_LABEL = {"public": "Public", "parliament": "Parliament (restricted)",
                  "government": "Government (confidential)"}


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 18
    kind: str = "text"          # text, date, url, grade


def _cell(ws: Any, value: Any, column: Column) -> Any:
    """A styled cell where styling is needed, else the plain value (much faster)."""
    if column.kind == "url" and isinstance(value, str) and value.startswith(("http://",
                                                                          "https://")):
        cell = WriteOnlyCell(ws, value=value)
        cell.hyperlink = value
        cell.font = Font(color="1F4E79", underline="single")
        return cell
    if column.kind == "date" and isinstance(value, str) and len(value) == 10:
        cell = WriteOnlyCell(ws, value=dt.date.fromisoformat(value))
        cell.number_format = "yyyy-mm-dd"
        return cell
    formula = formula_like(value)
    graded = column.kind == "grade" and value in GRADE_FILLS
    long_text = isinstance(value, str) and (len(value) > column.width or "\n" in value)
    if not (formula or graded or long_text):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if formula:
        cell.data_type = "s"            # text, never a formula
        cell.quotePrefix = True
    if graded:
        cell.fill = _FILLS[value]
    cell.alignment = _WRAP
    return cell


def add_sheet(book: Workbook, title: str, columns: list[Column],
              rows: Iterable[list[Any]]) -> int:
    """A streamed sheet; returns the number of data rows written."""
    ws = book.create_sheet(title)
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = _BOLD
        cell.fill = _HEAD_FILL
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        ws.append([_cell(ws, value, column) for value, column in zip(row, columns,
                                                                     strict=True)])
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def _about(case: Case, audience: str) -> Iterator[list[Any]]:
    meta = case.meta
    yield ["Case", meta.title]
    yield ["Date", meta.date or ""]
    yield ["Audience", AUDIENCE_LABEL[audience]]
    yield ["Submitted by", meta.organisation.name]
    yield ["Summary", meta.summary or ""]
    yield ["Grades", "strong / moderate / weak / insufficient: independent sources, "
                     "Admiralty grades and evidence type (see the README's grading rules)"]
    yield ["Regime outcomes", "a regime named alone = criteria met; ~ = met subject to "
           "conditions (further work needed); ? = arguable only by interpretation; "
           "measures are recommended only where criteria are met"]
    for key, term in vocab.terms("reliability").items():
        yield [f"Reliability {key}", term.en]
    for key, term in vocab.terms("credibility").items():
        yield [f"Credibility {key}", term.en]


def evidence_rows(case: Case, ids: Iterable[str]) -> Iterator[list[Any]]:
    """Rows of the Evidence sheet (a generator: large registers stream)."""
    for evidence_id in ids:
        item = case.index[evidence_id]
        assert isinstance(item, Evidence)
        source = case.index[item.source]
        assert isinstance(source, Source)
        yield [item.id, item.type, source.id, item.locator, item.excerpt,
               item.translation or "", f"{source.reliability}{item.credibility}",
               source.archive_url or source.url or "", source.accessed or ""]


EVIDENCE_COLUMNS = [Column("Id", 16), Column("Type", 16), Column("Source", 16),
                    Column("Locator", 16), Column("Excerpt", 60), Column("Translation", 60),
                    Column("Grade", 8), Column("Link", 40, "url"),
                    Column("Accessed", 12, "date")]


NOT_RUN = ("Screening has not been run: existing designations by the US, UK, EU, Canada "
           "and Australia are unknown.")


def existing_designations(screening: DesignationReport | None, target_id: str) -> str:
    """The Targets sheet's cell: who designated the target, per screening."""
    if screening is None or not screening.screened:
        return "screening not run"
    outcome = screening.targets.get(target_id)
    if outcome is None or not outcome.screened:
        return "not screened"
    done = outcome.by_status("designated")
    if not done:
        return "none found in the lists screened"
    return "; ".join(f"{j.label}: {', '.join(j.programs) or 'listed'}" for j in done)


def gap_rows(screening: DesignationReport | None, analysis: CaseAnalysis
             ) -> tuple[list[Column], list[list[Any]]]:
    """Columns and rows of the Designation gaps sheet."""
    if screening is None or not screening.screened:
        return [Column("Target", 30), Column("Status", 80)], [
            [t.name, NOT_RUN] for t in analysis.targets]
    from evidence_maps.designations import label

    codes = screening.jurisdictions
    columns = [Column("Target", 30), *[Column(label(c), 26) for c in codes],
               Column("Lists screened", 30), Column("Summary", 60)]
    rows: list[list[Any]] = []
    for target in analysis.targets:
        outcome = screening.targets.get(target.id)
        if outcome is None:
            continue
        cells = {j.code: j.describe() for j in outcome.jurisdictions}
        rows.append([target.name, *[cells.get(c, "not screened") for c in codes],
                     "; ".join(outcome.screened_lists), outcome.gap_sentence()])
    summary = screening.summary()
    for status, words in (("designated", "targets designated"),
                          ("not_found", "targets with no listing found"),
                          ("not_screened", "targets not screened")):
        rows.append([f"Whole case: {words}",
                     *[summary.get(c, {}).get(status, 0) for c in codes], "", ""])
    return columns, rows


def write(view: CaseView, path: Path, lang: str = "en") -> int:
    """The exporter ``xlsx``: the parliamentary workbook for the view's audience, written
    atomically; returns 1."""
    write_briefing_workbook(path, view)
    return 1


def write_briefing_workbook(path: Path, view: CaseView) -> Path:
    """Write the parliamentary workbook of ``view`` atomically."""
    case, analysis, audience = view.case, view.analysis, view.audience
    shown, screening = view.shown, view.screening
    book = Workbook(write_only=True)
    add_sheet(book, "About", [Column("Item", 22), Column("Value", 90)], _about(case, audience))
    target_rows = []
    for target in analysis.targets:
        actor = case.index[target.id]
        original = [n.name for n in getattr(actor, "names", []) if n.lang in ("rus", "kaz")]
        posts = [post.title for post in view.posts(target.id)]
        violations = sorted({v for a in target.attributions
                             for v in getattr(case.index[a.incident], "violations", [])})
        met = [f.regime.short + OUTCOME_MARKS[f.outcome] for f in target.findings
               if f.outcome in OUTCOME_MARKS]
        measures = sorted({m for f in target.findings for m in f.measures})
        target_rows.append([target.name, "; ".join(original), target.kind, "; ".join(posts),
                            "; ".join(violations), len({a.incident for a in target.attributions}),
                            target.strongest, "; ".join(met),
                            existing_designations(screening, target.id),
                            "; ".join(measures)])
    add_sheet(book, "Targets", [Column("Name", 30), Column("Original script", 30),
                                Column("Kind", 12), Column("Positions", 30),
                                Column("Violation types", 40), Column("Incidents", 10),
                                Column("Strongest grade", 14, "grade"),
                                Column("Regimes (met; ~ conditions; ? interpretation)", 30),
                                Column("Existing designations", 30),
                                Column("Recommended measures", 30)], target_rows)
    incidents = [i for i in case.incidents if i.id in shown]
    add_sheet(book, "Incidents", [Column("Id", 16), Column("Date", 12, "date"),
                                  Column("End", 12, "date"), Column("Title", 40),
                                  Column("Place", 16), Column("Violations", 40),
                                  Column("Description", 80)],
              ([i.id, i.date or "", i.end_date or "", i.title, i.place or "",
                "; ".join(i.violations), i.description] for i in incidents))
    matrix = analysis.matrix()
    columns = [Column("Actor", 30)] + [Column(i.id, 18, "grade") for i in incidents]
    names = {t.id: t.name for t in analysis.targets}
    add_sheet(book, "Attributions", columns, (
        [names.get(actor, actor)] + [
            (f"{cells[i.id]['mode']} ({cells[i.id]['grade']}"
             f"{', inferred' if cells[i.id]['inferred'] else ''}"
             f"{', DRAFT – NOT REVIEWED' if cells[i.id]['status'] != 'reviewed' else ''})")
            if i.id in cells else ""
            for i in incidents]
        for actor, cells in matrix.items()))
    cited = dict.fromkeys(e for a in analysis.attributions for e in [*a.evidence, *a.contrary])
    add_sheet(book, "Evidence", EVIDENCE_COLUMNS, evidence_rows(case, cited))
    sources = [case.index[s] for s in dict.fromkeys(_source_of(case, e) for e in cited)]
    add_sheet(book, "Sources", [Column("Id", 18), Column("Title", 50), Column("Publisher", 30),
                                Column("Published", 12, "date"), Column("Reliability", 10),
                                Column("Link", 40, "url")],
              ([s.id, s.title, s.publisher or "", s.published or "", s.reliability,
                s.archive_url or s.url or ""] for s in sources if isinstance(s, Source)))
    gap_columns, gaps = gap_rows(screening, analysis)
    add_sheet(book, "Designation gaps", gap_columns, gaps)
    stamp = dt.datetime.fromisoformat(((case.meta.date or "2000-01-01") + "-01-01")[:10])
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = case.meta.organisation.name
    book.properties.title = f"{case.meta.title} ({AUDIENCE_LABEL[audience]})"
    buffer = io.BytesIO()
    book.save(buffer)
    with atomic_file(path) as fh:
        fh.write(stable_zip(buffer.getvalue(), case.meta.date))
    return path


def _source_of(case: Case, evidence_id: str) -> str:
    item = case.index[evidence_id]
    assert isinstance(item, Evidence)
    return item.source
