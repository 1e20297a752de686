"""Nothing above an audience's level reaches its outputs, in any scenario.

The review's approach (``REDTEAM.md``), adopted: a fictional canary case puts a unique
string in every confidential and restricted record — people, organisations, positions,
tenures, sources, evidence, contrary evidence, incidents — in internal notes, in the
metadata of photos in every format (EXIF with GPS, XMP, JPEG comments, PNG text chunks,
TIFF tags, GIF comments) and in the photos' file names; its public free text names a
confidential witness in Latin, Cyrillic and Kazakh Cyrillic and a confidential body.
Every audience is built, with and without drafts, in English and Russian, also into a
folder that held another audience's build and after builds interrupted at the output
swap; every output byte is searched: raw bytes, PDF text, metadata, outline and every
decoded PDF stream (embedded images included) and the metadata of embedded images, XLSX
parts and media, PNG text chunks, SVG, JSON (unescaped), CSV, file names, and the FtM ids
of hidden records. Internal provenance (file names and line numbers) must not appear
either. The material each audience may see must be there, so the test can fail.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader
from pypdf.generic import StreamObject

from dossier.build import build_case
from entities.exc import InvalidCase, OutputError
from entities.ftm.ids import record_id
from tests.conftest import FIXTURES

WITNESS_FORMS = ["Zhanar", "Жанар", "Adilbek", "Адилбек", "Әділбек"]
CONFIDENTIAL = ["CANARYWITNESS", "CANARYSOURCETITLE", "canaryurl", "canaryfile",
                "CANARYEXCERPT", "CANARYLOCATOR", "CANARYSECRETINCIDENT",
                # record ids of confidential records (ids are often name-like slugs)
                "w-canarywitid", "e-canaryevid", "i-canaryincid", "s-canarysrcid",
                "CANARYSUSPECT", "t-canarysuspect",
                "CANARYSECRETORG", "CANARYPOSITION", "CANARYCONTRARY", "e-canarycontra",
                "t-canarytenure", "pos-canarysecret", *WITNESS_FORMS]
#: confidential canaries a government build need not print (file names, some ids)
NOT_ALWAYS_SHOWN = {"canaryfile", "w-canarywitid", "s-canarysrcid", "e-canarycontra",
                    "t-canarytenure", "pos-canarysecret", "Әділбек"}
RESTRICTED = ["CANARYRESTRICTEDINCIDENT", "CANARYRESTRICTEDDESC", "CANARYRESTRICTEDPOST"]
#: a draft attribution (public evidence): named only where drafts are included
DRAFT = ["a-canarydraft"]
#: an attribution held back from public and parliament (its only evidence is
#: confidential): its id is the team's business
HELD = ["a-secret"]
#: placeholders for withheld evidence: parliament and government only, never public
PLACEHOLDERS = ["withheld item", "[withheld:", "[скрыто:"]
NOT_ALWAYS_SHOWN |= set(PLACEHOLDERS)  # the government sees what they stand for
#: never in any output: notes, photo metadata, photo file names, internal provenance
INTERNAL = ["CANARYNOTE", "CANARYRECORDNOTE", "CANARYEXIFARTIST", "CANARYEXIFDESC",
            "CANARYXMP", "CANARYJPEGCOMMENT", "CANARYPNGTEXT", "CANARYPNGZTXT",
            "CANARYPNGITXT", "CANARYTIFFARTIST", "CANARYGIFCOMMENT", "CANARYPHOTOFILE"]
#: internal provenance: a case file's name, a path into the case's data folder
PROVENANCE = re.compile(r"(?<![\w-])[\w-]{1,80}\.ya?ml\b|(?<![\w/])data/[\w./-]+")
VISIBLE_TO = {"public": [], "parliament": RESTRICTED + PLACEHOLDERS,
              "government": RESTRICTED + CONFIDENTIAL + HELD + PLACEHOLDERS}
#: the FtM ids of records no audience below government may see (kind, local id)
HIDDEN = [("person", "w-canarywitid"), ("person", "t-canarysuspect"),
          ("person", "w-zhanar"), ("organisation", "o-canarysecretorg"),
          ("position", "pos-canarysecret"), ("tenure", "t-canarytenure"),
          ("incident", "i-canaryincid"), ("source", "s-canarysrcid")]
PHOTOS = {"jpg": "chief", "png": "p-photo-png", "webp": "p-photo-webp",
          "tiff": "p-photo-tiff", "gif": "p-photo-gif"}
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
       b'02/22-rdf-syntax-ns#"><rdf:Description>CANARYXMP</rdf:Description></rdf:RDF>'
       b'</x:xmpmeta>')


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "CANARYEXIFARTIST"
    exif[ExifTags.Base.ImageDescription] = "CANARYEXIFDESC"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 14.0, 52.0)
    return exif


def _photo(path: Path, fmt: str) -> None:
    """A small photo whose file carries canaries in every kind of metadata its format
    has (checked: the test fails if the file did not keep them)."""
    image = Image.new("RGB", (96, 72), (160, 70, 40))
    if fmt == "jpg":
        image.save(path, "JPEG", exif=_exif(), comment="CANARYJPEGCOMMENT", xmp=XMP)
    elif fmt == "png":
        info = PngInfo()
        info.add_text("Comment", "CANARYPNGTEXT")
        info.add_text("Description", "CANARYPNGZTXT", zip=True)
        info.add_itxt("Author", "CANARYPNGITXT", lang="en")
        image.save(path, "PNG", pnginfo=info, exif=_exif())
    elif fmt == "webp":
        image.save(path, "WEBP", exif=_exif(), xmp=XMP)
    elif fmt == "tiff":
        image.save(path, "TIFF", tiffinfo={int(ExifTags.Base.Artist): "CANARYTIFFARTIST",
                                           int(ExifTags.Base.ImageDescription):
                                           "CANARYEXIFDESC"})
    else:
        image.save(path, "GIF", comment=b"CANARYGIFCOMMENT")
    with Image.open(path) as back:
        kept = str(back.info) + str(dict(back.getexif())) + path.read_bytes().decode("latin-1")
    assert "CANARY" in kept, fmt


CASE_EXTRA = """\
pseudonymise_free_text: true
summary: Invented people and bodies in the invented country of Exampleland (coded KZ).
  The testimony of Адилбекова Ж. is held by the centre.
"""


def _case(tmp_path: Path, pseudonymise: bool = True) -> Path:
    case = tmp_path / "leaky"
    shutil.copytree(FIXTURES / "fictional", case, ignore=shutil.ignore_patterns(".dossier"))
    meta = (case / "case.yml").read_text("utf-8")
    meta = meta.replace(meta[meta.index("summary:"):meta.index("\nlanguages")] + "\n", "")
    extra = CASE_EXTRA if pseudonymise else CASE_EXTRA.split("\n", 1)[1]
    (case / "case.yml").write_text(meta + extra, "utf-8")
    photos = case / "sources" / "photos"
    photos.mkdir()
    for fmt in PHOTOS:
        _photo(photos / f"CANARYPHOTOFILE-{fmt}.{fmt}", fmt)
    actors = case / "data" / "actors.yml"
    actors.write_text(actors.read_text("utf-8").replace(
        "  - id: chief\n", "  - id: chief\n    photo: sources/photos/CANARYPHOTOFILE-jpg.jpg\n"),
        "utf-8")
    secret_file = case / "sources" / "canaryfile.txt"
    secret_file.write_text("fictional confidential file\n", encoding="utf-8")
    import hashlib

    sha = hashlib.sha256(secret_file.read_bytes()).hexdigest()
    photo_targets = "".join(f"""\
  - id: {person}
    names: [Photo {fmt.upper()} Fictionalperson]
    target: true
    photo: sources/photos/CANARYPHOTOFILE-{fmt}.{fmt}
""" for fmt, person in PHOTOS.items() if person != "chief")
    photo_attributions = "".join(f"""\
  - id: a-photo-{fmt}
    actor: {person}
    incident: inc-detention
    mode: aiding_abetting
    evidence: [ev-memo]
    status: reviewed
    reviewed_by: Tester
""" for fmt, person in PHOTOS.items() if person != "chief")
    (case / "data" / "leaky.yml").write_text(f"""\
people:
  - id: w-canarywitid
    names: [CANARYWITNESS Testova]
    statuses: [witness]
    sensitivity: confidential
  - id: w-zhanar
    names:
      - {{name: Zhanar Adilbekova, lang: en}}
      - {{name: Жанар Адилбекова, lang: ru}}
      - {{name: Жанар Әділбекқызы, lang: kk}}
    statuses: [witness]
    sensitivity: confidential
  - id: p-public
    names: [Public Person]
    addresses: ["c/o Zhanar Adilbekova, 12 Example Street, Exampletown"]
    notes: CANARYRECORDNOTE
  - id: t-canarysuspect
    names: [CANARYSUSPECT Fictionov]
    target: true
    sensitivity: confidential
    photo: sources/photos/CANARYPHOTOFILE-png.png
{photo_targets}organisations:
  - id: o-canarysecretorg
    names: [CANARYSECRETORG Unit]
    type: public_body
    country: KZ
    sensitivity: confidential
positions:
  - id: pos-canarysecret
    leadership: true
    title: [CANARYPOSITION of the secret unit]
    organisation: o-canarysecretorg
    sensitivity: confidential
  - id: pos-restricted
    leadership: true
    title: [CANARYRESTRICTEDPOST adviser]
    sensitivity: restricted
  - id: pos-deputy
    leadership: true
    title: [Deputy Head and assistant to CANARYWITNESS Testova]
    organisation: directorate
tenures:
  - id: t-canarytenure
    person: chief
    position: pos-head
    start: 2023-01
    evidence: [e-canaryevid]
    sensitivity: confidential
  - id: t-visible-to-secret-post
    person: chief
    position: pos-canarysecret
    start: 2017-01
    end: 2017-12
    evidence: [ev-memo]
  - id: t-restricted
    person: chief
    position: pos-restricted
    start: 2016-01
    end: 2016-12
    evidence: [ev-memo]
    sensitivity: restricted
  - id: t-deputy
    person: chief
    position: pos-deputy
    start: 2018-01
    end: 2018-12
    evidence: [ev-memo]
sources:
  - id: s-canarysrcid
    title: CANARYSOURCETITLE
    url: https://canaryurl.example.org/x
    file: sources/canaryfile.txt
    sha256: {sha}
    reliability: B
    sensitivity: confidential
evidence:
  - id: e-canaryevid
    source: s-canarysrcid
    locator: CANARYLOCATOR
    excerpt: CANARYEXCERPT said the directorate ordered it
    type: direct_testimony
    credibility: 2
    sensitivity: confidential
  - id: e-canarycontra
    source: s-canarysrcid
    locator: p. 9
    excerpt: CANARYCONTRARY the chief was abroad that week
    type: direct_testimony
    credibility: 3
    sensitivity: confidential
  - id: ev-free
    source: src-memo
    locator: p. 2
    excerpt: Әділбекқызы Жанарды тергеушілер шақырды.
    excerpt_lang: kk
    translation: Investigators summoned Zh. Adilbekova.
    type: official_document
    credibility: 2
incidents:
  - id: i-restricted
    title: CANARYRESTRICTEDINCIDENT
    date: 2021-05-02
    description: CANARYRESTRICTEDDESC
    violations: [torture]
    victims: [w-canarywitid]
    evidence: [ev-memo]
    sensitivity: restricted
  - id: i-canaryincid
    title: CANARYSECRETINCIDENT
    date: 2021-06-02
    description: fictional
    violations: [torture]
    evidence: [e-canaryevid]
    sensitivity: confidential
  - id: i-questioning
    title: Questioning in Exampletown
    date: 2021-07-01
    place: Exampletown
    description: Жанар Адилбековой угрожали после допроса; the CANARYSECRETORG Unit was
      present.
    violations: [torture]
    evidence: [ev-free]
attributions:
  - id: a-restricted
    actor: directorate
    incident: i-restricted
    mode: ordering
    evidence: [ev-memo, e-canaryevid]
    status: reviewed
    note: CANARYNOTE
  - id: a-secret
    actor: directorate
    incident: i-canaryincid
    mode: ordering
    evidence: [e-canaryevid]
    status: reviewed
  - id: a-canarydraft
    actor: bank
    incident: inc-detention
    mode: profiting
    evidence: [ev-memo]
    status: draft
  - id: a-questioning
    actor: chief
    incident: i-questioning
    mode: ordering
    evidence: [ev-free]
    contrary_evidence: [e-canarycontra]
    status: reviewed
    reviewed_by: Tester
{photo_attributions}""", encoding="utf-8")
    return case


def _walk_pdf(reader: PdfReader) -> list[str]:
    """Every decoded stream of a PDF (content, fonts, images, metadata), and the metadata
    of every embedded image."""
    out: list[str] = []
    seen: set[int] = set()
    stack: list[object] = [reader.trailer]
    while stack:
        item = stack.pop()
        target = getattr(item, "get_object", None)
        if target is not None and hasattr(item, "idnum"):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = target()
        if isinstance(item, StreamObject):
            out.append(item.get_data().decode("latin-1"))
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    for page in reader.pages:
        for image in page.images:
            out.append(image.data.decode("latin-1"))
            with Image.open(io.BytesIO(image.data)) as opened:
                out.append(str(opened.info) + str(dict(opened.getexif())))
    return out


def _image_metadata(out: Path) -> list[str]:
    """The metadata any image embedded in a PDF keeps (EXIF, XMP, comments, ICC)."""
    found = []
    for pdf in sorted(out.rglob("*.pdf")):
        for page in PdfReader(pdf).pages:
            for image in page.images:
                with Image.open(io.BytesIO(image.data)) as opened:
                    kept = sorted({"xmp", "comment", "exif", "icc_profile"} & set(opened.info))
                    if opened.getexif():
                        kept.append("EXIF tags")
                    found += [f"{pdf.name}: {image.name}: {k}" for k in kept]
    return found


def _json_text(data: bytes) -> str:
    """JSON (or JSON lines) with non-ASCII unescaped, so Cyrillic canaries are found."""
    text = data.decode("utf-8")
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return "\n".join(json.dumps(json.loads(line), ensure_ascii=False)
                         for line in text.splitlines() if line.strip())


def _texts(out: Path) -> dict[str, str]:
    """Every output as searchable text, by file."""
    found: dict[str, str] = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        rel = str(path.relative_to(out))
        data = path.read_bytes()
        parts = [rel, data.decode("latin-1")]
        if path.suffix == ".pdf":
            reader = PdfReader(path)
            parts += [page.extract_text() or "" for page in reader.pages]
            parts.append(str(reader.metadata))
            parts += [str(item.title) for item in reader.outline if not isinstance(item, list)]
            parts += _walk_pdf(reader)
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                parts += [book.read(name).decode("utf-8", "replace")
                          for name in book.namelist()]
        if path.suffix == ".png":
            with Image.open(path) as image:
                parts.append(str(image.info))
        if path.suffix in (".csv", ".txt", ".svg", ".gexf"):
            parts.append(data.decode("utf-8"))
        if path.suffix == ".json":
            parts.append(_json_text(data))
        found[rel] = "\n".join(parts)
    return found


def _command_outputs(case: Path, out: Path, audience: str, tmp_path: Path) -> dict[str, str]:
    """What ``check --json`` and ``screen --json`` print for the audience."""
    from click.testing import CliRunner
    from screening_helpers import write_list

    from dossier.cli import cli

    runner = CliRunner()
    listfile = write_list(tmp_path / "list.ftm.json")
    env = {"DOSSIER_CACHE_DIR": str(tmp_path / "cache")}
    found = {}
    for name, args in (("check.json", ["check", str(case), "--json"]),
                       ("screen.json", ["screen", str(case), "--against", str(listfile),
                                        "--json"])):
        result = runner.invoke(cli, [*args, "--audience", audience], env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        found[name] = result.output + "\n" + _json_text(result.output.encode("utf-8"))
    return found


def _hidden_ids(audience: str) -> list[str]:
    return [] if audience == "government" else \
        [record_id("fict", kind, local) for kind, local in HIDDEN]


def _leaks(texts: dict[str, str], audience: str, drafts: bool = True
           ) -> list[tuple[str, str]]:
    """(canary, file) for every canary found above the audience (and of drafts, when
    they are not included)."""
    allowed = {c.lower() for c in VISIBLE_TO[audience] + (DRAFT if drafts else [])}
    canaries = [c.lower() for c in CONFIDENTIAL + RESTRICTED + INTERNAL + DRAFT + HELD
                + PLACEHOLDERS + _hidden_ids(audience)]
    lowered = {name: text.lower() for name, text in texts.items()}
    return [(canary, name) for name, text in lowered.items() for canary in canaries
            if canary not in allowed and canary in text]


def _provenance(texts: dict[str, str]) -> list[tuple[str, str]]:
    return [(found, name) for name, text in texts.items()
            for found in PROVENANCE.findall(text)]


def _assert_shown(texts: dict[str, str], audience: str) -> None:
    everything = "\n".join(texts.values()).lower()
    for canary in VISIBLE_TO[audience]:
        if canary not in NOT_ALWAYS_SHOWN:
            assert canary.lower() in everything, canary
    if audience == "parliament":  # the placeholders the public never gets
        assert "withheld item 1" in everything or "скрытый материал 1" in everything
        assert "[withheld: confidential material]" in everything or \
            "[скрыто: конфиденциально]" in everything
    if audience != "government":
        assert "[protected witness]" in everything or "[защищённый свидетель]" in everything
        assert "[protected organisation]" in everything or \
            "[защищённая организация]" in everything
    assert "photo png fictionalperson" in everything  # the photo targets are there


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _case(tmp_path_factory.mktemp("leaky"))


@pytest.mark.parametrize("audience", ["public", "parliament", "government"])
def test_no_canary_above_the_audience_leaks(case_dir: Path, tmp_path: Path,
                                            audience: str) -> None:
    out = tmp_path / f"out-{audience}"
    build_case(case_dir, out, audience, include_drafts=True)
    texts = _texts(out)
    assert len(_walk_pdf(PdfReader(out / "dossiers" / "overview.pdf"))) >= 3
    assert _image_metadata(out) == []
    assert _leaks(texts, audience) == []
    assert _provenance(texts) == []
    _assert_shown(texts, audience)
    assert _leaks(_command_outputs(case_dir, out, audience, tmp_path), audience) == []


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ru"])
@pytest.mark.parametrize("drafts", [False, True])
@pytest.mark.parametrize("audience", ["public", "parliament", "government"])
def test_no_leak_in_any_audience_language_or_draft_setting(
        case_dir: Path, tmp_path: Path, audience: str, drafts: bool, lang: str) -> None:
    out = tmp_path / "out"
    build_case(case_dir, out, audience, include_drafts=drafts, lang=lang)
    texts = _texts(out)
    assert _leaks(texts, audience, drafts) == [] and _provenance(texts) == []
    if drafts:
        _assert_shown(texts, audience)


def test_a_draft_left_out_is_named_nowhere(case_dir: Path, tmp_path: Path) -> None:
    """A draft attribution held back from a build names no output: not its id, not that a
    draft exists (the overview and evidence map listed "a-…: draft: not yet reviewed")."""
    out = tmp_path / "out"
    result = build_case(case_dir, out, "public")
    assert "a-canarydraft" in {h.attribution for h in result.held_back}  # the team is told
    assert _leaks(_texts(out), "public", drafts=False) == []
    with_drafts = tmp_path / "with-drafts"
    build_case(case_dir, with_drafts, "public", include_drafts=True)
    assert "a-canarydraft" in "\n".join(_texts(with_drafts).values())


def test_a_government_folder_never_becomes_a_public_one_with_its_contents(
        case_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_case(case_dir, out, "government", include_drafts=True)
    with pytest.raises(OutputError, match="government audience"):
        build_case(case_dir, out, "public", include_drafts=True)
    build_case(case_dir, out, "public", include_drafts=True, replace=True)
    texts = _texts(out)
    assert _leaks(texts, "public") == [] and _provenance(texts) == []
    _assert_shown(texts, "public")


@pytest.mark.parametrize("moment", ["first-rename",
                                    pytest.param("second-rename", marks=pytest.mark.slow),
                                    pytest.param("writing", marks=pytest.mark.slow)])
def test_a_public_build_interrupted_at_the_swap_leaks_nothing(
        case_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """The review: a government build, then a public build into the same folder stopped
    at the swap, then a public build: the government dossiers came through as public."""
    from dossier import outdir
    from dossier.pdf import writer

    out = tmp_path / "out"
    build_case(case_dir, out, "government", include_drafts=True)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    real_rename = os.rename
    calls = []

    def interrupted(src: str | Path, dst: str | Path) -> None:
        calls.append(src)
        if (moment == "first-rename" and Path(src) == out) or \
                (moment == "second-rename" and Path(dst) == out):
            raise KeyboardInterrupt
        real_rename(src, dst)

    with monkeypatch.context() as patch:
        if moment == "writing":
            patch.setattr(writer, "write_overview", lambda *a, **k: (_ for _ in ()).throw(
                KeyboardInterrupt()))
        else:
            patch.setattr(os, "rename", interrupted)
        with pytest.raises(KeyboardInterrupt):
            build_case(case_dir, out, "public", include_drafts=True, replace=True)
    outdir.recover(out)  # what the next command does first
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    with pytest.raises(OutputError, match="government audience"):  # still government's
        build_case(case_dir, out, "public", include_drafts=True)
    build_case(case_dir, out, "public", include_drafts=True, replace=True)
    texts = _texts(out)
    assert _leaks(texts, "public") == [] and _provenance(texts) == []
    _assert_shown(texts, "public")


def test_free_text_naming_a_protected_person_stops_the_build(tmp_path: Path) -> None:
    case = _case(tmp_path, pseudonymise=False)
    out = tmp_path / "out"
    with pytest.raises(InvalidCase) as caught:
        build_case(case, out, "public", include_drafts=True)
    found = {(p.file, p.field) for p in caught.value.problems}
    assert found >= {("case.yml", "summary"),
                     ("data/leaky.yml", "people[2].addresses[0]"),
                     ("data/leaky.yml", "positions[2].title[0].name"),
                     ("data/leaky.yml", "evidence[2].excerpt"),
                     ("data/leaky.yml", "evidence[2].translation"),
                     ("data/leaky.yml", "incidents[2].description")}, found
    assert not out.exists()
    build_case(case, out, "government", include_drafts=True)  # it may see them all


def test_protected_people_and_evidence_appear_as_placeholders(case_dir: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_case(case_dir, out, "parliament", include_drafts=True)
    texts = _texts(out)
    pdfs = "\n".join(t for name, t in texts.items() if name.endswith(".pdf"))
    assert "Witness A" in pdfs  # the confidential witness, victim of a restricted incident
    assert "Witness B" not in pdfs  # the other confidential witness is named nowhere
    assert "Withheld item 1" in pdfs
    assert "[withheld: confidential material]" in pdfs
    assert "B2" in pdfs  # the withheld item's Admiralty grade is kept
    assert "No contrary or exculpatory information is recorded" not in \
        texts[next(n for n in texts if n.endswith(".pdf") and "overview" not in n
                   and "CANARYPHOTO" not in n and "questioning" in texts[n].lower())]
    out_gov = tmp_path / "out-gov"
    build_case(case_dir, out_gov, "government", include_drafts=True)
    gov = "\n".join(t for name, t in _texts(out_gov).items() if name.endswith(".pdf"))
    assert "Witness A" not in gov and "Withheld item" not in gov


@pytest.mark.parametrize("audience", ["public", "parliament"])
def test_no_dangling_references_to_withheld_records(case_dir: Path, tmp_path: Path,
                                                    audience: str) -> None:
    import csv

    from followthemoney import model, registry

    out = tmp_path / "out"
    build_case(case_dir, out, audience, include_drafts=True)
    for path in (out / "entities.ftm.json", out / "opensanctions" / "entities.ftm.json"):
        entities = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        ids = {e["id"] for e in entities}
        for entity in entities:
            schema = model[entity["schema"]]
            for prop, values in entity["properties"].items():
                if schema.properties[prop].type == registry.entity:
                    assert set(values) <= ids, (path.name, entity["id"], prop)
    with (out / "opensanctions" / "statements.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids = {r["canonical_id"] for r in rows}
    dangling = {r["value"] for r in rows if r["prop_type"] == "entity"} - ids
    assert dangling == set()
