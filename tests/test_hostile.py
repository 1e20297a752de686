"""A corpus of hostile and broken inputs. Each must give a clear message naming where
(file, line or row, field), exit 1 or 2 without a traceback, and leave the case
database and the previous outputs exactly as they were."""

from __future__ import annotations

import hashlib
import io
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from dossier.cli import cli

Setup = Callable[[Path, Path], list[str]]


def _data(case: Path, name: str, content: str | bytes) -> None:
    path = case / "data" / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def _build_args(case: Path, out: Path) -> list[str]:
    return ["build", str(case), "--out", str(out)]


def malformed_yaml(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", "people:\n  - id: p9\n    names: [unclosed\n  - id: p10\n")
    return _build_args(case, out)


def wrong_types(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", "people:\n  - id: p9\n    names: {first: x}\n    birth_date: 12\n")
    return _build_args(case, out)


def unknown_and_duplicate_ids(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", "people:\n  - id: chief\n    names: [Dup Licate]\n"
                           "attributions:\n  - id: a9\n    actor: nobody\n"
                           "    incident: inc-detention\n    mode: ordering\n"
                           "    evidence: [ev-memo]\n")
    return _build_args(case, out)


def impossible_date(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", "people:\n  - id: p9\n    names: [Date Person]\n"
                           "    birth_date: 2021-02-30\n")
    return _build_args(case, out)


def invalid_country(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", "people:\n  - id: p9\n    names: [Country Person]\n"
                           "    nationality: [XX]\n")
    return _build_args(case, out)


def huge_string(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", "people:\n  - id: p9\n    names: [" + "A" * 10_000_000 + "]\n")
    return _build_args(case, out)


def binary_garbage(case: Path, out: Path) -> list[str]:
    _data(case, "garbage.yml", bytes(range(256)) * 64)
    return _build_args(case, out)


def wrong_encoding(case: Path, out: Path) -> list[str]:
    _data(case, "cp1251.yml", "people:\n  - id: p9\n    names: [Серик Ойданов]\n"
          .encode("cp1251"))
    return _build_args(case, out)


def _workbook_bytes() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "People"
    sheet.append(["id", "names", "birth_date"])
    sheet.append(["p9", "Sheet Person", "not a date"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bad_cell(case: Path, out: Path) -> list[str]:
    path = out.parent / "cases.xlsx"
    path.write_bytes(_workbook_bytes())
    return ["import", str(case), str(path)]


def truncated_xlsx(case: Path, out: Path) -> list[str]:
    path = out.parent / "truncated.xlsx"
    path.write_bytes(_workbook_bytes()[:700])
    return ["import", str(case), str(path)]


def zip_bomb_xlsx(case: Path, out: Path) -> list[str]:
    path = out.parent / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            chunk = b"0" * (1 << 20)
            for _ in range(1100):  # 1.1 GB unpacked, about 1 MB packed
                part.write(chunk)
    return ["import", str(case), str(path)]


def ftm_unknown_schema(case: Path, out: Path) -> list[str]:
    path = out.parent / "partner.ftm.json"
    path.write_text('{"id": "x1", "schema": "Person", "properties": {"name": ["Ok"]}}\n'
                    '{"id": "x2", "schema": "Starship", "properties": {}}\n'
                    '{"id": "x3", "schema": "Person", "properties": {"wingspan": ["3"]}}\n'
                    'garbage\n', encoding="utf-8")
    return ["import", str(case), str(path)]


def csv_wrong_columns(case: Path, out: Path) -> list[str]:
    path = out.parent / "people.csv"
    path.write_bytes(b"\xff\xfe\x00garbage\x00\x01,\x02\n\x03")
    return ["import", str(case), str(path)]


def billion_laughs(case: Path, out: Path) -> list[str]:
    lines = ["laughs:", "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"  {name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    _data(case, "bad.yml", "\n".join(lines) + "\n")
    return _build_args(case, out)


def _person(photo: str = "", name: str = "Photo Person", extra: str = "") -> str:
    line = f"    photo: {photo}\n" if photo else ""
    return f"people:\n  - id: p-hostile\n    names: [\"{name}\"]\n{line}{extra}"


def control_characters(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", _person(name="Bell \\a Escape \\x1b Null \\0 Person"))
    return _build_args(case, out)


def not_utf8_file_name(case: Path, out: Path) -> list[str]:
    import os

    folder = os.fsencode(case / "data")
    with open(os.path.join(folder, b"bad-\xff\xfe.yml"), "wb") as fh:
        fh.write(b"people: []\n")
    return _build_args(case, out)


def not_utf8_source_name(case: Path, out: Path) -> list[str]:
    import os

    with open(os.path.join(os.fsencode(case / "sources"), b"scan-\xe9t\xe9.pdf"), "wb") as fh:
        fh.write(b"%PDF-1.4")
    return _build_args(case, out)


def not_an_image(case: Path, out: Path) -> list[str]:
    (case / "sources" / "face.jpg").write_text("this is not a picture", "utf-8")
    _data(case, "bad.yml", _person("sources/face.jpg"))
    return _build_args(case, out)


def truncated_image(case: Path, out: Path) -> list[str]:
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 64).convert("RGB").save(buffer, "JPEG")
    (case / "sources" / "face.jpg").write_bytes(buffer.getvalue()[:3000])
    _data(case, "bad.yml", _person("sources/face.jpg"))
    return _build_args(case, out)


def _png_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height,
                                                             8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def huge_png(case: Path, out: Path) -> list[str]:
    (case / "sources" / "face.png").write_bytes(_png_header(20_000, 20_000))  # 400 Mpx
    _data(case, "bad.yml", _person("sources/face.png"))
    return _build_args(case, out)


def big_png(case: Path, out: Path) -> list[str]:
    (case / "sources" / "face.png").write_bytes(_png_header(9_000, 6_000))  # 54 Mpx
    _data(case, "bad.yml", _person("sources/face.png"))
    return _build_args(case, out)


def huge_jpeg_header(case: Path, out: Path) -> list[str]:
    frame = bytes.fromhex("ffc00011080000000003012200021101031101")
    frame = frame[:5] + (65000).to_bytes(2, "big") + (65000).to_bytes(2, "big") + frame[9:]
    (case / "sources" / "face.jpg").write_bytes(b"\xff\xd8" + frame + b"\xff\xd9")
    _data(case, "bad.yml", _person("sources/face.jpg"))
    return _build_args(case, out)


def _rewritten_workbook(path: Path, change: Callable[[str, bytes], bytes | None],
                        add: dict[str, bytes] | None = None) -> None:
    source = zipfile.ZipFile(io.BytesIO(_workbook_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = change(info.filename, source.read(info.filename))
            if data is not None:
                target.writestr(info.filename, data)
        for name, data in (add or {}).items():
            target.writestr(name, data)


def xlsx_with_dtd(case: Path, out: Path) -> list[str]:
    path = out.parent / "dtd.xlsx"
    dtd = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'

    def change(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return data
        return dtd + (data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data)

    _rewritten_workbook(path, change)
    return ["import", str(case), str(path)]


def xlsx_malformed_part(case: Path, out: Path) -> list[str]:
    path = out.parent / "malformed.xlsx"

    def change(name: str, data: bytes) -> bytes:
        return b"<worksheet><sheetData><row r=" if name == "xl/worksheets/sheet1.xml" else data

    _rewritten_workbook(path, change)
    return ["import", str(case), str(path)]


def xlsx_external_link(case: Path, out: Path) -> list[str]:
    path = out.parent / "linked.xlsx"
    link = (b'<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><externalBook/></externalLink>')
    _rewritten_workbook(path, lambda name, data: data,
                        {"xl/externalLinks/externalLink1.xml": link})
    return ["import", str(case), str(path)]


def ftm_thousands_of_values(case: Path, out: Path) -> list[str]:
    import json

    path = out.parent / "big.ftm.json"
    names = [f"Name {n} Person" for n in range(10_000)]
    path.write_text(json.dumps({"id": "x1", "schema": "Person", "properties": {
        "name": names}}) + "\n", encoding="utf-8")
    return ["import", str(case), str(path)]


def list_thousands_of_values(case: Path, out: Path) -> list[str]:
    ftm_thousands_of_values(case, out)
    return ["screen", str(case), "--against", str(out.parent / "big.ftm.json")]


def deep_nesting(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", "people: " + "[" * 50_000 + "]" * 50_000 + "\n")
    return _build_args(case, out)


def duplicate_keys(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", "people:\n  - id: p-d\n    names: [A Person]\n"
                           "    names: [B Person]\n")
    return _build_args(case, out)


def merge_key_duplicate(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", "people:\n  - &x {id: p-m, names: [A]}\n  - <<: *x\n    id: p-n\n")
    return _build_args(case, out)


def tab_indentation(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", "people:\n\t- id: p-t\n\t  names: [A]\n")
    return _build_args(case, out)


def empty_case_file(case: Path, out: Path) -> list[str]:
    (case / "case.yml").write_text("", "utf-8")
    return _build_args(case, out)


def case_file_a_list(case: Path, out: Path) -> list[str]:
    (case / "case.yml").write_text("- a\n- b\n", "utf-8")
    return _build_args(case, out)


def very_long_id(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", "people:\n  - id: " + "p" * 20_000 + "\n    names: [A]\n")
    return _build_args(case, out)


def bidi_override(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", _person(name="Serik \u202eVONADYO"))
    return _build_args(case, out)


def _source_file(name: str) -> str:
    return (f"sources:\n  - id: s-hostile\n    title: X\n    reliability: B\n"
            f"    file: {name}\n")


def path_escape(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", _source_file("../../../../etc/passwd"))
    return _build_args(case, out)


def absolute_path(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", _source_file("/etc/passwd"))
    return _build_args(case, out)


def photo_is_a_folder(case: Path, out: Path) -> list[str]:
    _data(case, "bad.yml", _person(photo="sources"))
    return _build_args(case, out)


def csv_with_nul(case: Path, out: Path) -> list[str]:
    path = out.parent / "people.csv"
    path.write_bytes(b"id,names\np-1,A\x00B\n")
    return ["import", str(case), str(path)]


def csv_empty(case: Path, out: Path) -> list[str]:
    path = out.parent / "people.csv"
    path.write_bytes(b"")
    return ["import", str(case), str(path)]


def csv_huge_cell(case: Path, out: Path) -> list[str]:
    path = out.parent / "people.csv"
    path.write_text("id,names\np-1," + "A" * 5_000_000 + "\n", "utf-8")
    return ["import", str(case), str(path)]


def html_named_xlsx(case: Path, out: Path) -> list[str]:
    path = out.parent / "people.xlsx"
    path.write_text("<html><body>not a workbook</body></html>", "utf-8")
    return ["import", str(case), str(path)]


def ftm_deep_json(case: Path, out: Path) -> list[str]:
    path = out.parent / "deep.ftm.json"
    path.write_text('{"id": "x", "schema": "Person", "properties": {"name": '
                    + "[" * 100_000 + "]" * 100_000 + "}}\n", "utf-8")
    return ["import", str(case), str(path)]


def out_inside_sources(case: Path, out: Path) -> list[str]:
    return ["build", str(case), "--out", str(case / "sources" / "out")]


def out_holding_the_case(case: Path, out: Path) -> list[str]:
    return ["build", str(case), "--out", str(case.parent), "--replace"]


def broken_change_journal(case: Path, out: Path) -> list[str]:
    journal = case / ".dossier" / "changes" / "0123456789abcdef.json"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_bytes(b"\x00 not a journal")
    return ["validate", str(case)]


CORPUS: dict[str, tuple[Setup, list[str]]] = {
    "malformed YAML": (malformed_yaml, ["data/bad.yml:"]),
    "wrong types": (wrong_types, ["data/bad.yml:3: people[0].names", "birth_date"]),
    "unknown and duplicate ids": (unknown_and_duplicate_ids,
                                  ["'chief' is already the id", "'nobody' does not exist"]),
    "impossible date": (impossible_date, ["data/bad.yml:4: people[0].birth_date"]),
    "invalid country": (invalid_country, ["data/bad.yml:4: people[0].nationality[0]"]),
    "10 MB string": (huge_string, ["data/bad.yml"]),
    "binary garbage": (binary_garbage, ["data/garbage.yml"]),
    "wrong encoding": (wrong_encoding, ["data/cp1251.yml", "UTF-8"]),
    "bad spreadsheet cell": (bad_cell, ["cases.xlsx:People!2: birth_date"]),
    "truncated xlsx": (truncated_xlsx, ["truncated.xlsx"]),
    "zip bomb xlsx": (zip_bomb_xlsx, ["bomb.xlsx", "too large or not a normal workbook"]),
    "FtM unknown schema and property": (ftm_unknown_schema, [
        "partner.ftm.json:2: schema: 'Starship' is not a FollowTheMoney schema",
        "partner.ftm.json:3: properties.wingspan", "partner.ftm.json:4:"]),
    "CSV binary garbage": (csv_wrong_columns, ["people.csv"]),
    "YAML billion laughs": (billion_laughs, ["data/bad.yml", "through YAML aliases"]),
    "control characters": (control_characters, [
        "data/bad.yml:3: people[0].names[0]", "control character (U+0007)"]),
    "non-UTF-8 data file name": (not_utf8_file_name, ["data/bad-", "is not UTF-8 text"]),
    "non-UTF-8 source file name": (not_utf8_source_name, ["sources/scan-", "not UTF-8"]),
    "photo that is not an image": (not_an_image, [
        "data/bad.yml:4: people[0].photo", "is not an image that can be read whole"]),
    "truncated photo": (truncated_image, ["people[0].photo", "truncated"]),
    "400-megapixel PNG": (huge_png, ["people[0].photo", "too large an image"]),
    "54-megapixel PNG": (big_png, ["people[0].photo", "9,000 × 6,000 pixels"]),
    "JPEG header claiming 65000×65000": (huge_jpeg_header, ["people[0].photo"]),
    "XLSX with a DTD": (xlsx_with_dtd, ["dtd.xlsx", "declares a DTD"]),
    "XLSX with a malformed part": (xlsx_malformed_part, ["malformed.xlsx", "not a readable"]),
    "XLSX with an external link": (xlsx_external_link, [
        "linked.xlsx", "were not imported"]),
    "FtM entity with 10,000 names": (ftm_thousands_of_values, [
        "big.ftm.json:1: properties.name: has 10,000 values"]),
    "screening list entry with 10,000 names": (list_thousands_of_values, [
        "big.ftm.json:1: properties.name: has 10,000 values"]),
    "YAML nested 50,000 deep": (deep_nesting, ["data/bad.yml:1:", "nesting depth"]),
    "a field written twice": (duplicate_keys, ["data/bad.yml:4: people[0].names",
                                               "is written twice (first on line 3)"]),
    "a merge key repeating an id": (merge_key_duplicate, ["data/bad.yml:4: people[1].id"]),
    "tab indentation": (tab_indentation, ["data/bad.yml:2: YAML syntax error"]),
    "empty case.yml": (empty_case_file, ["case.yml:1:"]),
    "case.yml holding a list": (case_file_a_list, ["case.yml:1:"]),
    "20,000-character id": (very_long_id, ["data/bad.yml:2: people[0].id"]),
    "direction override in a name": (bidi_override, [
        "data/bad.yml:3: people[0].names[0]", "direction control (U+202E)"]),
    "source file outside the case (../)": (path_escape, [
        "data/bad.yml:5: sources[0].file", "outside the case folder"]),
    "source file outside the case (absolute)": (absolute_path, [
        "data/bad.yml:5: sources[0].file", "outside the case folder"]),
    "photo that is a folder": (photo_is_a_folder, ["data/bad.yml:4: people[0].photo"]),
    "NUL byte in a CSV cell": (csv_with_nul, ["people.csv:People!2", "U+0000"]),
    "empty CSV": (csv_empty, ["people.csv", "is empty"]),
    "5 MB CSV cell": (csv_huge_cell, ["people.csv:People!2: names[0].name", "too long"]),
    "HTML saved as .xlsx": (html_named_xlsx, ["people.xlsx", "not a readable .xlsx"]),
    "FtM JSON nested 100,000 deep": (ftm_deep_json, ["deep.ftm.json:1:"]),
    "--out inside sources/": (out_inside_sources, ["inside the case's sources/ folder"]),
    "--out holding the case, with --replace": (out_holding_the_case, [
        "holds the case folder"]),
    "unreadable change journal": (broken_change_journal, [
        "0123456789abcdef.json", "cannot be read"]),
}


def _database_state(case: Path) -> str:
    db = sqlite3.connect(case / ".dossier" / "case.db")
    try:
        return hashlib.sha256("\n".join(db.iterdump()).encode("utf-8")).hexdigest()
    finally:
        db.close()


def _outputs(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def _data_files(case: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted((case / "data").rglob("*"))
            if p.is_file() and not p.name.startswith(("bad", "garbage", "cp1251"))}


@pytest.mark.parametrize("name", list(CORPUS))
def test_hostile_input_is_refused_cleanly(name: str, fictional: Path, tmp_path: Path,
                                          runner: CliRunner) -> None:
    setup, expected = CORPUS[name]
    out = tmp_path / "out"
    first = runner.invoke(cli, _build_args(fictional, out))
    assert first.exit_code == 0, first.output
    database, outputs, data = _database_state(fictional), _outputs(out), _data_files(fictional)
    args = setup(fictional, out)
    result = runner.invoke(cli, args)
    assert result.exit_code in (1, 2), result.output[:2000]
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit)
    assert "Traceback" not in result.output
    message = result.output[:20000]
    for fragment in expected:
        assert fragment in message, (fragment, message[:2000])
    assert _database_state(fictional) == database
    assert _outputs(out) == outputs
    assert _data_files(fictional) == data
    assert not list((fictional / "data").glob("imported/*"))


def test_formula_injection_is_accepted_but_neutralised(fictional: Path, tmp_path: Path,
                                                       runner: CliRunner) -> None:
    from openpyxl import load_workbook

    _data(fictional, "formula.yml", "people:\n  - id: p-formula\n"
                                    "    names: ['=HYPERLINK(\"http://evil.example\",\"x\")']\n"
                                    "    target: true\n")
    out = tmp_path / "out"
    result = runner.invoke(cli, _build_args(fictional, out))
    assert result.exit_code == 0, result.output
    book = load_workbook(out / "workbook.xlsx")
    cells = [c for row in book["Targets"].iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)
    book.close()
    # and in every CSV or text table (REDTEAM defect 7: they carried the formula as it was)
    import csv

    from exports.cells import FORMULA_START

    tables = [*out.rglob("*.csv"), *out.rglob("*.txt")]
    assert {p.name for p in tables} >= {"targets.simple.csv", "statements.csv", "names.txt"}
    found = 0
    for path in tables:
        with path.open(encoding="utf-8", newline="") as fh:
            cells = [c for row in csv.reader(fh) for c in row] if path.suffix == ".csv" \
                else fh.read().splitlines()
        assert not [c for c in cells if c.startswith(FORMULA_START)], path.name
        found += sum(1 for c in cells if c.startswith("'=HYPERLINK"))
    assert found >= 3  # the name is there, as text, in each table
