"""The dossier PDFs: text, sections, evidence ids, languages, determinism, layout."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from dossier.build import build_case
from entities.case.loader import load_case
from entities.ftm.ids import make_id
from tests.conftest import CASE_YML, require_tool, write_case

SECTIONS_EN = ["1. Summary and recommended measures", "2. Identification", "3. Incidents",
               "4. Role and responsibility", "5. Evidence register",
               "6. Legal analysis by regime", "7. Contrary or exculpatory information",
               "8. Existing designations", "9. Draft statement of reasons", "10. Annex"]


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def dossier_of(out: Path, prefix: str, local_id: str) -> Path:
    """The dossier of a target: ``<name in Latin letters>-<short id>.pdf``."""
    digest = make_id(prefix, "target", local_id).rsplit("-", 1)[-1][:10]
    (path,) = (out / "dossiers").glob(f"*-{digest}.pdf")
    return path


@pytest.fixture
def built(fictional: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    build_case(fictional, out, "government")
    return out


def test_names_in_cyrillic_and_kazakh_come_out_exactly(built: Path) -> None:
    text = pdf_text(dossier_of(built, "fict", "chief"))
    for name in ("Серік Ойданов", "Серик Ойданов", "Serik Oydanov"):
        assert name in text
    assert "Cyrillic (Kazakh)" in text
    directorate = pdf_text(dossier_of(built, "fict", "directorate"))
    assert "Мысалдар басқармасы" in directorate and "Управление примеров" in directorate


def test_every_section_is_present_in_order(built: Path) -> None:
    text = pdf_text(dossier_of(built, "fict", "directorate"))
    positions = [text.find(s, text.find("10. Annex") + 1 if i == 0 else 0)
                 for i, s in enumerate(SECTIONS_EN)]
    assert all(p >= 0 for p in positions), positions
    body = text[text.rfind("1. Summary and recommended measures"):]
    assert [body.find(s) for s in SECTIONS_EN] == sorted(body.find(s) for s in SECTIONS_EN)
    assert "No contrary or exculpatory information is recorded" in body
    assert "Screening against sanctions lists has not been run" in body
    assert "CONFIDENTIAL – FOR GOVERNMENT USE" in text


def test_cited_evidence_ids_exist(built: Path, fictional: Path) -> None:
    known = {e.id for e in load_case(fictional).evidence}
    for pdf in [p for p in (built / "dossiers").glob("*.pdf") if p.name != "overview.pdf"]:
        text = pdf_text(pdf)
        cited = set(re.findall(r"\bev-[a-z0-9-]+", text))
        assert cited and cited <= known, (pdf, cited - known)


def test_inferred_links_are_labelled(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    case = tmp_path / "rules"
    shutil.copytree(FIXTURES / "rules", case, ignore=shutil.ignore_patterns(".dossier"))
    out = tmp_path / "out"
    build_case(case, out, "government")
    text = pdf_text(dossier_of(out, "rules", "p-head"))
    assert "[INFERRED]" in text and "held the post 'Head of the Fictional Special Unit'" in text
    assert "Ерлан Тестов" in text


def test_russian_headings(fictional: Path, tmp_path: Path) -> None:
    out = tmp_path / "ru"
    build_case(fictional, out, "government", lang="ru")
    text = pdf_text(dossier_of(out, "fict", "directorate"))
    assert "2. Идентификация" in text and "5. Реестр доказательств" in text
    assert "КОНФИДЕНЦИАЛЬНО – ДЛЯ ГОСУДАРСТВЕННЫХ ОРГАНОВ" in text


def test_metadata_outline_and_page_numbers(built: Path) -> None:
    reader = PdfReader(dossier_of(built, "fict", "directorate"))
    meta = reader.metadata
    assert meta is not None and meta.author == "Fictional Rights Centre"
    assert meta.title == "Sanctions submission dossier: Directorate of Examples"
    assert meta.subject == "Fictional case for tests"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:2] == ["1. Summary and recommended measures", "2. Identification"]
    assert "Page 2" in (reader.pages[1].extract_text() or "")
    fonts = {str(f.get_object().get("/BaseFont")) for page in reader.pages
             for f in (page.get("/Resources") or {}).get("/Font", {}).values()}
    assert fonts and all("DejaVuSans" in name for name in fonts), fonts  # embedded only


def test_pdfs_are_byte_identical_across_builds(fictional: Path, tmp_path: Path) -> None:
    # The first build registers the evidence files (audit log entries); the overview names
    # the log's head, so it is identical from the second build on, the dossiers always.
    for name in ("a", "b", "c"):
        build_case(fictional, tmp_path / name, "government")
    for pdf in (tmp_path / "a" / "dossiers").iterdir():
        if pdf.name != "overview.pdf":
            assert pdf.read_bytes() == (tmp_path / "b" / "dossiers" / pdf.name).read_bytes()
        assert pdf.read_bytes() != b"" and (tmp_path / "b" / "dossiers" / pdf.name
                                            ).read_bytes() == (tmp_path / "c" / "dossiers" /
                                                               pdf.name).read_bytes()


def test_first_page_renders_and_is_not_blank(built: Path, tmp_path: Path) -> None:
    require_tool("pdftoppm", "poppler-utils")
    pdf = dossier_of(built, "fict", "directorate")
    subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-gray", str(pdf),
                    str(tmp_path / "page")], check=True)
    image = next(tmp_path.glob("page*.pgm")).read_bytes()
    pixels = image[image.index(b"255\n") + 4:]
    dark = sum(1 for b in pixels if b < 128)
    assert dark > 500


def _forty_incidents(tmp_path: Path) -> Path:
    """A fictional case whose one target has forty incidents."""
    incidents, attributions, evidence = [], [], []
    for i in range(40):
        evidence.append(f"  - {{id: e{i}, source: s1, locator: 'p. {i}', type: ngo_report, "
                        f"credibility: 2, excerpt: 'Fictional excerpt number {i} with a long "
                        f"text that wraps over several lines in the register table of the "
                        f"dossier, https://example.org/a/very/long/path/{i}/' }}")
        incidents.append(f"  - {{id: i{i}, title: 'Fictional incident {i}', date: "
                         f"2021-{1 + i % 12:02d}-{1 + i % 27:02d}, description: 'Fictional "
                         f"description {i}.', violations: [arbitrary_detention], evidence: "
                         f"[e{i}]}}")
        attributions.append(f"  - {{id: a{i}, actor: unit, incident: i{i}, mode: ordering, "
                            f"evidence: [e{i}], status: reviewed}}")
    return write_case(tmp_path / "big", {
        "case.yml": CASE_YML,
        "data/a.yml": "organisations:\n  - {id: unit, type: public_body, names: "
                      "[Fictional Unit]}\nsources:\n  - {id: s1, title: Fictional report, "
                      "reliability: B, url: 'https://example.org/a/very/long/url/that/should/"
                      "wrap/inside/its/cell/and/never/overflow/the/margin/of/the/page'}\n"
                      "evidence:\n" + "\n".join(evidence) + "\nincidents:\n" +
                      "\n".join(incidents) + "\nattributions:\n" + "\n".join(attributions)
                      + "\n"})


def test_forty_incident_target_gives_a_multi_page_dossier(tmp_path: Path) -> None:
    case = _forty_incidents(tmp_path)
    out = tmp_path / "out"
    build_case(case, out)
    reader = PdfReader(dossier_of(out, "mini", "unit"))
    assert len(reader.pages) >= 8
    header_pages = [p for p in reader.pages if "Excerpt / Translation" in (p.extract_text() or "")]
    assert len(header_pages) >= 2  # the register's header row repeats on each page


def test_photo_is_embedded_when_the_case_supplies_one(fictional: Path, tmp_path: Path) -> None:
    from PIL import Image as PILImage

    PILImage.new("RGB", (60, 80), (120, 40, 40)).save(fictional / "sources" / "chief.png")
    actors = fictional / "data" / "actors.yml"
    actors.write_text(actors.read_text(encoding="utf-8").replace(
        "    birth_place: Exampletown\n", "    birth_place: Exampletown\n"
        "    photo: sources/chief.png\n"), encoding="utf-8")
    out = tmp_path / "out"
    build_case(fictional, out, "government")
    reader = PdfReader(dossier_of(out, "fict", "chief"))
    images = [img for page in reader.pages[:4] for img in page.images]
    assert any(img.image is not None and img.image.size == (60, 80) for img in images)


def _every_stream(pdf: Path) -> bytes:
    """The PDF's bytes and every stream in it, decoded."""
    from pypdf.generic import StreamObject

    reader = PdfReader(pdf)
    parts = [pdf.read_bytes()]
    for number in range(1, len(reader.xref_objStm) + 2000):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001 - numbers that are no object
            continue
        if isinstance(obj, StreamObject):
            parts.append(obj.get_data())
    return b"\n".join(parts)


@pytest.mark.parametrize("suffix", ["jpg", "png"])
def test_photo_metadata_never_reaches_the_pdf(fictional: Path, tmp_path: Path,
                                               suffix: str) -> None:
    """REDTEAM defect 4: a JPEG went into the PDF byte for byte, EXIF and comments with it."""
    from PIL import Image as PILImage
    from PIL.PngImagePlugin import PngInfo

    image = PILImage.new("RGB", (64, 48), (30, 90, 150))
    path = fictional / "sources" / f"chief.{suffix}"
    if suffix == "jpg":
        exif = PILImage.Exif()
        exif[0x013B] = "CANARYARTIST"          # Artist
        exif[0x010E] = "CANARYDESCRIPTION"     # ImageDescription
        exif[0x8825] = {2: (43.0, 15.0, 0.0)}  # GPS latitude
        image.save(path, "JPEG", exif=exif, comment=b"CANARYCOMMENT",
                   xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>CANARYXMP</x:xmpmeta>")
        with PILImage.open(path) as check:  # the canaries are really in the file
            assert check.getexif()[0x013B] == "CANARYARTIST"
    else:
        info = PngInfo()
        info.add_text("Author", "CANARYARTIST")
        info.add_itxt("Description", "CANARYDESCRIPTION")
        image.save(path, "PNG", pnginfo=info)
    assert b"CANARYARTIST" in path.read_bytes()
    actors = fictional / "data" / "actors.yml"
    actors.write_text(actors.read_text(encoding="utf-8").replace(
        "    birth_place: Exampletown\n", "    birth_place: Exampletown\n"
        f"    photo: sources/chief.{suffix}\n"), encoding="utf-8")
    out = tmp_path / "out"
    build_case(fictional, out, "government")
    pdf = dossier_of(out, "fict", "chief")
    reader = PdfReader(pdf)
    assert any(img.image is not None and img.image.size == (64, 48)
               for page in reader.pages[:4] for img in page.images)  # the photo is there
    everything = _every_stream(pdf)
    for canary in (b"CANARYARTIST", b"CANARYDESCRIPTION", b"CANARYCOMMENT", b"CANARYXMP",
                   b"Exif", b"JFIF"):
        assert canary not in everything, canary


def _contents_and_headings(path: Path) -> tuple[list[tuple[str, int]], dict[str, int]]:
    """The contents page's (title, page) entries, and the page each title starts on."""
    reader = PdfReader(path)
    contents = reader.pages[1].extract_text() or ""
    entries = [(m.group(1).strip(), int(m.group(2))) for m in
               re.finditer(r"^\s*(\d+\. [^\n]+?)\s*\n\s*(\d+)\s*$", contents, re.M)]
    starts = {}
    for number, page in enumerate(reader.pages[2:], start=3):
        lines = [line.strip() for line in (page.extract_text() or "").splitlines()]
        for title, _ in entries:
            if title in lines and title not in starts:
                starts[title] = number
    return entries, starts


def test_the_contents_give_the_page_each_section_starts_on(tmp_path: Path) -> None:
    """Laid out in one pass: each page number comes from the heading's placement."""
    import dossier.pdf.document as document

    passes = []
    build = document.DossierTemplate.build

    def counted(self: document.DossierTemplate, *args: object, **kwargs: object) -> None:
        passes.append(self.contents is not None)
        build(self, *args, **kwargs)

    document.DossierTemplate.build = counted  # type: ignore[method-assign]
    try:
        build_case(_forty_incidents(tmp_path), tmp_path / "out", workers=1)
    finally:
        document.DossierTemplate.build = build  # type: ignore[method-assign]
    assert passes and all(passes)  # every dossier in one pass, none fell back
    entries, starts = _contents_and_headings(dossier_of(tmp_path / "out", "mini", "unit"))
    assert [t for t, _ in entries] == SECTIONS_EN
    assert len({p for _, p in entries}) >= 4  # spread over pages: the numbers mean something
    assert all(starts[title] == page for title, page in entries), (entries, starts)


def test_a_heading_the_contents_cannot_foresee_falls_back_to_two_passes() -> None:
    from reportlab.platypus import KeepTogether, PageBreak

    from dossier.pdf.blocks import para
    from dossier.pdf.document import DocInfo, render, table_of_contents

    story = [table_of_contents(), PageBreak(), para("First", "h1"), para("text"),
             PageBreak(), KeepTogether([para("Second", "h1"), para("more text")])]
    info = DocInfo("t", "s", "a", "header", "MARKING", "Page", "2024-01-01")
    import io

    import dossier.pdf.document as document

    calls = []
    multi = document.DossierTemplate.multiBuild

    def counted(self: document.DossierTemplate, *args: object, **kwargs: object) -> None:
        calls.append(1)
        multi(self, *args, **kwargs)

    document.DossierTemplate.multiBuild = counted  # type: ignore[method-assign]
    try:
        reader = PdfReader(io.BytesIO(render(info, story)))
    finally:
        document.DossierTemplate.multiBuild = multi  # type: ignore[method-assign]
    assert calls  # the one pass met a heading it did not foresee: reportlab's contents
    words = (reader.pages[0].extract_text() or "").split()
    assert {"First", "Second", "2", "3"} <= set(words), words


def test_cells_shared_across_dossiers_leave_every_dossier_the_same_bytes(
        fictional: Path, tmp_path: Path) -> None:
    # a process writing many dossiers lays a repeated cell out once and draws it again
    # (dossier.pdf.blocks._cell): each dossier must be the bytes it is when written
    # alone, in a process that has shared nothing yet
    import dossier.pdf.blocks as blocks
    from dossier.pdf.writer import write_target_pdf
    from evidence_maps.view import CaseView

    view = CaseView.build(load_case(fictional), "government")
    assert len(view.targets) >= 2

    def alone(target_index: int) -> bytes:
        blocks._shared.clear()
        blocks._seen.clear()
        path = tmp_path / f"alone-{target_index}.pdf"
        write_target_pdf(path, view, view.targets[target_index], "en")
        return path.read_bytes()

    expected = [alone(i) for i in range(len(view.targets))]
    blocks._shared.clear()
    blocks._seen.clear()
    for turn in range(2):  # the second turn draws the cells the first one shared
        for i, target in enumerate(view.targets):
            path = tmp_path / f"shared-{turn}-{i}.pdf"
            write_target_pdf(path, view, target, "en")
            assert path.read_bytes() == expected[i], (turn, target.name)
    assert blocks._shared  # cells were shared: the test compared something
    shared_texts = {key[0] for key in blocks._shared}
    assert "—" in shared_texts or any(len(text) < 40 for text in shared_texts)


def test_the_shared_cells_stay_within_their_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    import dossier.pdf.blocks as blocks

    monkeypatch.setattr(blocks, "_shared", {})
    monkeypatch.setattr(blocks, "_seen", set())
    monkeypatch.setattr(blocks, "SHARED_CELLS", 3)
    monkeypatch.setattr(blocks, "SEEN_CELLS", 10)
    first = blocks._cell("reported", "cell", 100.0)
    again = blocks._cell("reported", "cell", 100.0)
    assert first is not again  # seen once: not kept
    assert blocks._cell("reported", "cell", 100.0) is again  # seen twice: shared
    assert blocks._cell("reported", "cell", 120.0) is not again  # another width
    assert blocks._cell("reported", "cellhead", 100.0) is not again  # another style
    long_text = "x" * (blocks.SHARED_TEXT + 1)
    blocks._cell(long_text, "cell", 100.0)
    blocks._cell(long_text, "cell", 100.0)
    assert blocks._cell(long_text, "cell", 100.0) is not blocks._cell(long_text, "cell", 100.0)
    for i in range(40):
        for _ in range(2):
            blocks._cell(f"text {i}", "cell", 100.0)
    assert len(blocks._shared) == 3 and len(blocks._seen) <= 10


def test_a_cells_lines_are_cut_only_where_each_stands_alone() -> None:
    from dossier.pdf.blocks import _lines

    assert _lines("plain") == ["plain"]
    assert _lines("<b>E-1</b><br/>Document<br/>Admiralty: B2") == [
        "<b>E-1</b>", "Document", "Admiralty: B2"]
    assert _lines("a<br/><i>Translation: b</i>") == ["a", "<i>Translation: b</i>"]
    for whole in ("<b>a<br/>b</b>", "a<br/><br/>b", "a<br/> b", "a <br/>b", "<br/>a",
                  "a<br/>", "<i>a</b><br/>b", "a</i><br/><i>b"):
        assert _lines(whole) == [whole], whole


def _pages(pdf: Path, folder: Path) -> list[bytes]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "110", "-gray", str(pdf), str(folder / "p")],
                   check=True)
    return [page.read_bytes() for page in sorted(folder.iterdir())]


def test_cells_drawn_line_by_line_look_as_one_paragraph_does(
        fictional: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a cell of several lines is drawn as a paragraph per line (reportlab's quicker path
    # for one run of text): every page must look as it does with the cell one paragraph
    require_tool("pdftoppm", "poppler-utils")
    import dossier.pdf.blocks as blocks
    from dossier.pdf.writer import write_target_pdf
    from evidence_maps.view import CaseView

    view = CaseView.build(load_case(fictional), "government")
    cut: list[str] = []
    lines = blocks._lines

    def counted(text: str) -> list[str]:
        found = lines(text)
        if len(found) > 1:
            cut.append(text)
        return found

    for i, target in enumerate(view.targets):
        blocks._shared.clear()
        blocks._seen.clear()
        monkeypatch.setattr(blocks, "_lines", counted)
        write_target_pdf(tmp_path / f"lines-{i}.pdf", view, target, "en")
        monkeypatch.setattr(blocks, "_lines", lambda text: [text])
        write_target_pdf(tmp_path / f"whole-{i}.pdf", view, target, "en")
        assert (_pages(tmp_path / f"lines-{i}.pdf", tmp_path / f"l{i}")
                == _pages(tmp_path / f"whole-{i}.pdf", tmp_path / f"w{i}")), target.name
    assert cut  # cells were drawn line by line: the test compared something


def test_a_cell_of_lines_taller_than_a_page_continues_in_the_next_rows() -> None:
    from reportlab.platypus import Paragraph

    from dossier.pdf.blocks import CELL_PADDING, MAX_ROW_HEIGHT, _height, _rows_of

    lines = "<br/>".join(f"Line {i} of a long list of grounds" for i in range(120))
    widths = [400.0, 100.0]
    rows = _rows_of([lines, "UK GHR"], ["cell", "cell"], widths)
    assert len(rows) >= 2
    for row in rows:
        assert max(_height(cell, w - CELL_PADDING)
                   for cell, w in zip(row, widths, strict=True)) <= MAX_ROW_HEIGHT
    last = rows[-1][0]
    assert isinstance(last, Paragraph) and "Line 119" in last.getPlainText()
