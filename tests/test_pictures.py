"""The evidence map and the timeline, checked on their scenes (every text's box is known
from the font the PDF embeds) and in the PDF itself: no label meets another label or a
node, nothing runs off the picture, no text under the minimum size; date ranges and
partial dates drawn as bars, distinct ticks in the unit the span needs; printed in the
dossier as vectors at full size where they fit. A crowded fictional case (many incidents
days apart, partial dates, sources derived from others) and the fixtures."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pdfplumber
import pytest

from dossier.build import build_case
from entities.case.loader import load_case
from evidence_maps.view import CaseView
from exports.pictures import COLOURS, MIN_FONT, evidence_map, time_ticks, timeline
from exports.scene import Box, Circle, Line, Rect, Scene, Text
from tests.conftest import FIXTURES


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "crowded"
    shutil.copytree(FIXTURES / "crowded", path)
    return path


def _views(path: Path) -> list[tuple[CaseView, object]]:
    view = CaseView.build(load_case(path), "government")
    return [(view, target) for target in view.targets]


@pytest.mark.parametrize("case", ["crowded", "legal", "rules", "fictional", "example",
                                  "synthetic"])
def test_no_label_overlaps_or_runs_off(case: str, crowded: Path, example: Path,
                                       tmp_path: Path) -> None:
    """… and no edge runs through a label (the bundled example's maps had two)."""
    if case == "crowded":
        path = crowded
    elif case == "example":
        path = example
    elif case == "synthetic":  # officials with posts, bodies, many incidents and sources
        from tests import synthetic_case

        path = tmp_path / "synthetic"
        synthetic_case.write(60, path)
    else:
        path = tmp_path / case
        shutil.copytree(FIXTURES / case, path, ignore=shutil.ignore_patterns(".dossier"))
    for lang in ("en", "ru"):
        for view, target in _views(path):
            for scene in (evidence_map(view, target, lang),  # type: ignore[arg-type]
                          timeline(view, target, lang)):  # type: ignore[arg-type]
                if scene is not None:
                    assert scene.problems(MIN_FONT) == [], (case, lang, target)


def test_the_layout_check_can_fail() -> None:
    scene = Scene(100, 50)
    scene.add(Text(10, 20, ("one label",), 8, anchor="start"),
              Text(12, 20, ("another label",), 8, anchor="start"),
              Text(90, 20, ("running off the picture",), 5, anchor="start"),
              Circle(30, 40, 5, "#000000"), Text(30, 40, ("on a node",), 8),
              Text(60, 5, ("crossed",), 8), Line(((50, 0), (70, 12)), "#000000"),
              Line(((75, 30), (95, 30)), "#000000"))  # the second crosses nothing
    found = scene.problems(MIN_FONT)
    assert [f for f in found if "edge" in f] == ["an edge runs through 'crossed'"]
    assert any("overlaps 'another label'" in f for f in found)
    assert any("off the picture" in f for f in found)
    assert any("at 5 pt" in f for f in found)
    assert any("'on a node' overlaps a node" in f for f in found)


def test_ranges_and_partial_dates_are_bars_and_derivations_are_drawn(crowded: Path) -> None:
    (view, target), = _views(crowded)
    scene = timeline(view, target)  # type: ignore[arg-type]
    assert scene is not None
    spans = [s for s in scene.shapes if isinstance(s, Rect) and s.role == "span"]
    # the week of raids, "2021-05" and "2021": three spans; the six days are points
    assert len(spans) == 3
    widths = sorted(s.width for s in spans)
    assert [w / widths[0] for w in widths] == pytest.approx([1, 31 / 8, 365 / 8], rel=0.01)
    assert len([s for s in scene.shapes if s.role == "marker"]) == 6
    diagram = evidence_map(view, target)  # type: ignore[arg-type]
    sources = min(c.x for c in diagram.shapes if isinstance(c, Circle)
                  and c.role == "node" and c.fill == COLOURS["source"])
    derived = [s for s in diagram.shapes if isinstance(s, Line) and s.role == "edge"
               and min(x for x, _ in s.points) > sources]
    assert len(derived) == 2  # s-2 and s-3 derived from s-1: joined right of the column
    words = " ".join(line for t in diagram.texts() for line in t.lines)
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


def test_the_svg_is_the_scene(crowded: Path) -> None:
    """The SVG file holds the scene's words as text at the scene's places (y counted
    from the top), parses as XML and carries no date."""
    (view, target), = _views(crowded)
    scene = evidence_map(view, target, "ru")  # type: ignore[arg-type]
    data = scene.svg("title")
    root = ET.fromstring(data)
    ns = "{http://www.w3.org/2000/svg}"
    texts = [(float(e.get("x", 0)), float(e.get("y", 0)), e.text)
             for e in root.iter(f"{ns}text")]
    expected = [(t.x, scene.height - (t.y - i * t.leading), line)
                for t in scene.texts() for i, line in enumerate(t.lines)]
    assert [w for *_, w in texts] == [w for *_, w in expected]
    assert [(round(x, 1), round(y, 1)) for x, y, _ in texts] == \
        [(round(x, 1), round(y, 1)) for x, y, _ in expected]
    assert b"Date" not in data and root.get("viewBox") == f"0 0 {scene.width:g} " \
        f"{scene.height:.2f}".rstrip("0").rstrip(".")


def _picture_words(pdf: Path, largest: float = 7.05) -> list[list[dict[str, object]]]:
    """Per page, the words printed at picture size (the dossier's own text is 7.5 pt
    and larger)."""
    with pdfplumber.open(pdf) as document:
        return [[w for w in page.extract_words(extra_attrs=["size"])
                 if float(w["size"]) <= largest] for page in document.pages]


def test_pictures_print_as_vectors_at_full_size(tmp_path: Path) -> None:
    """In the PDF, the pictures' words are text at the size they were laid out in, none
    over another, all on the page (checked in the PDF, as a reader sees it)."""
    case = tmp_path / "legal"
    shutil.copytree(FIXTURES / "legal", case, ignore=shutil.ignore_patterns(".dossier"))
    out = tmp_path / "out"
    build_case(case, out, "government")
    pdfs = sorted(p for p in (out / "dossiers").glob("*.pdf") if p.name != "overview.pdf")
    checked = 0
    for pdf in pdfs[:6]:
        with pdfplumber.open(pdf) as document:
            assert not [i for page in document.pages for i in page.images]
        for page in _picture_words(pdf):
            boxes = [Box(float(w["x0"]), float(w["top"]), float(w["x1"]),
                         float(w["bottom"])) for w in page]
            assert {round(float(w["size"]), 1) for w in page} <= {MIN_FONT}
            for i, box in enumerate(boxes):
                assert box.inside(Box(0, 0, 595.3, 841.9))
                assert not [b for b in boxes[i + 1:] if box.padded(-0.3).overlaps(b)], \
                    (pdf.name, page[i]["text"])
            checked += len(page)
    assert checked > 100


def test_a_map_taller_than_a_page_prints_smaller(crowded: Path, tmp_path: Path) -> None:
    """The known limit: nine incidents and five sources for one target make a map taller
    than a page, and the dossier prints it smaller (the SVG in maps/ stays full size)."""
    out = tmp_path / "out"
    build_case(crowded, out, "government")
    (pdf,) = [p for p in (out / "dossiers").glob("*.pdf") if p.name != "overview.pdf"]
    sizes = sorted({round(float(w["size"]), 2) for page in _picture_words(pdf)
                    for w in page})
    assert sizes[-1] == pytest.approx(MIN_FONT)  # the timeline
    assert 0.9 * MIN_FONT < sizes[0] < MIN_FONT  # the map, above 6.3 pt
