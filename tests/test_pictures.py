"""The evidence map and the timeline, checked by the text extents matplotlib reports: no
label meets another label or a node, nothing runs off the canvas, no text under the
minimum size; date ranges and partial dates drawn as bars, distinct ticks in the unit
the span needs; printed in the dossier point for point. A crowded fictional case (many
incidents days apart, partial dates, sources derived from others) and the fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from dossier.build import build_case
from entities.case.loader import load_case
from evidence_maps.view import CaseView
from exports.pictures import (
    MIN_FONT,
    POINTS_PER_PIXEL,
    evidence_map_figure,
    time_ticks,
    timeline_figure,
)
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "crowded"
    shutil.copytree(FIXTURES / "crowded", path)
    return path


def _views(path: Path) -> list[tuple[CaseView, object]]:
    view = CaseView.build(load_case(path), "government")
    return [(view, target) for target in view.targets]


def _boxes(figure: Figure) -> tuple[list[tuple[str, Bbox]], list[Bbox], list[float]]:
    """Every visible text's extent, every node marker's extent, every font size."""
    figure.canvas.draw()  # type: ignore[attr-defined]
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    nodes = []
    for collection in figure.findobj(PathCollection):
        if not str(collection.get_gid() or "").startswith("nodes-"):
            continue
        radius = (collection.get_sizes()[0] ** 0.5) / 2 * figure.dpi / 72
        for x, y in collection.get_offset_transform().transform(collection.get_offsets()):
            nodes.append(Bbox.from_extents(x - radius, y - radius, x + radius, y + radius))
    return boxes, nodes, [t.get_fontsize() for t in texts]


def _layout_problems(figure: Figure) -> list[str]:
    boxes, nodes, sizes = _boxes(figure)
    frame = figure.bbox
    out = []
    for i, (label, box) in enumerate(boxes):
        if box.x0 < frame.x0 - 0.5 or box.x1 > frame.x1 + 0.5 or box.y0 < frame.y0 - 0.5 \
                or box.y1 > frame.y1 + 0.5:
            out.append(f"off the canvas: {label!r}")
        for other, box2 in boxes[i + 1:]:
            if box.overlaps(box2):
                out.append(f"{label!r} overlaps {other!r}")
        out += [f"{label!r} overlaps a node" for node in nodes if box.overlaps(node)]
    out += [f"text at {s} pt" for s in sizes if s < MIN_FONT]
    return out


@pytest.mark.parametrize("case", ["crowded", "legal", "rules"])
def test_no_label_overlaps_or_runs_off(case: str, crowded: Path, tmp_path: Path) -> None:
    if case == "crowded":
        path = crowded
    else:
        path = tmp_path / case
        shutil.copytree(FIXTURES / case, path, ignore=shutil.ignore_patterns(".dossier"))
    for lang in ("en", "ru"):
        for view, target in _views(path):
            for figure in (evidence_map_figure(view, target, lang),  # type: ignore[arg-type]
                           timeline_figure(view, target, lang)):  # type: ignore[arg-type]
                if figure is not None:
                    assert _layout_problems(figure) == [], (case, lang, target)


def test_the_layout_check_can_fail() -> None:
    figure = Figure(figsize=(2, 1), dpi=100)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    figure.text(0.1, 0.5, "one label", fontsize=8)
    figure.text(0.12, 0.5, "another label", fontsize=8)
    figure.text(0.9, 0.5, "running off the canvas", fontsize=5)
    found = _layout_problems(figure)
    assert any("overlaps" in f for f in found) and any("off the canvas" in f for f in found)
    assert any("pt" in f for f in found)


def test_ranges_and_partial_dates_are_bars_and_derivations_are_drawn(crowded: Path) -> None:
    (view, target), = _views(crowded)
    figure = timeline_figure(view, target)  # type: ignore[arg-type]
    assert figure is not None
    hatched = [p for p in figure.axes[0].patches if isinstance(p, Rectangle) and p.get_hatch()]
    # the week of raids, "2021-05" and "2021": three spans; the six days are points
    assert len(hatched) == 3
    widths = sorted(round(p.get_width()) for p in hatched)
    assert widths == [8, 31, 365]
    diagram = evidence_map_figure(view, target)  # type: ignore[arg-type]
    arrows = [a for a in diagram.axes[0].texts if getattr(a, "arrow_patch", None) is not None]
    curved = [a for a in arrows
              if getattr(a.arrow_patch.get_connectionstyle(), "rad", 0.0) != 0.0]
    assert len(curved) == 2  # s-2 and s-3 derived from s-1, drawn as arcs
    words = " ".join(t.get_text() for t in diagram.findobj(Text))
    assert "Fictional Monitors" in words  # sources by title and publisher


@pytest.mark.parametrize(("first", "last", "unit"), [
    ("2021-05-01", "2021-05-01", "day"), ("2021-05-01", "2021-05-20", "day"),
    ("2021-01-15", "2021-11-02", "month"), ("2019-03-01", "2021-06-01", "month"),
    ("2001-01-01", "2021-06-01", "year")])
def test_ticks_are_distinct_in_the_unit_the_span_needs(first: str, last: str,
                                                       unit: str) -> None:
    import datetime as dt

    days, words = time_ticks(dt.date.fromisoformat(first), dt.date.fromisoformat(last), "en")
    assert len(words) == len(set(words)) and 1 <= len(words) <= 8
    if unit == "year":
        assert all(w.isdigit() for w in words)
    elif unit == "month":
        assert all(d.day == 1 for d in days) and not words[0].isdigit()
    else:
        assert words[0].split()[0].isdigit()  # "1 May"


def _printed(pdf: Path) -> list[float]:
    """Points per pixel of every picture in a PDF."""
    with pdfplumber.open(pdf) as document:
        return [float(image["width"]) / float(image["srcsize"][0])
                for page in document.pages for image in page.images]


def test_pictures_print_point_for_point(tmp_path: Path) -> None:
    case = tmp_path / "legal"
    shutil.copytree(FIXTURES / "legal", case, ignore=shutil.ignore_patterns(".dossier"))
    out = tmp_path / "out"
    build_case(case, out, "government")
    scales = [s for pdf in sorted((out / "dossiers").glob("*.pdf"))[:6] for s in _printed(pdf)]
    assert len(scales) >= 6
    assert scales == pytest.approx([POINTS_PER_PIXEL] * len(scales), rel=0.01)


def test_a_map_taller_than_a_page_prints_smaller(crowded: Path, tmp_path: Path) -> None:
    """The known limit: nine incidents and five sources for one target make a map taller
    than a page, and the dossier prints it smaller (the SVG in maps/ stays full size)."""
    out = tmp_path / "out"
    build_case(crowded, out, "government")
    (pdf,) = [p for p in (out / "dossiers").glob("*.pdf") if p.name != "overview.pdf"]
    timeline, diagram = sorted(_printed(pdf), reverse=True)
    assert timeline == pytest.approx(POINTS_PER_PIXEL, rel=0.01)
    assert 0.9 * POINTS_PER_PIXEL < diagram < POINTS_PER_PIXEL  # text above 6.3 pt
