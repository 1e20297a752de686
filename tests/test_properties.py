"""Property-based tests (hypothesis): whatever bytes or values arrive, the YAML loader and
the importers either accept them or raise a located InvalidInput — never anything else —
and a refused import changes nothing."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entities.case.loader import load_case
from entities.case.yamlsrc import parse_yaml
from entities.exc import InvalidInput
from entities.intake.importer import import_table
from tests.conftest import FIXTURES

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=40), st.dates().map(str))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)
FIELDS = ["id", "names", "birth_date", "nationality", "gender", "statuses", "identifiers",
          "sensitivity", "evidence", "target", "photo", "addresses"]


@SETTINGS
@given(st.binary(max_size=400))
def test_yaml_parser_accepts_or_locates_any_bytes(raw: bytes) -> None:
    try:
        parse_yaml("any.yml", raw)
    except InvalidInput as exc:
        assert exc.problems and all(p.file == "any.yml" for p in exc.problems)


@SETTINGS
@given(st.text(max_size=300))
def test_yaml_parser_accepts_or_locates_any_text(text: str) -> None:
    try:
        parse_yaml("any.yml", text.encode("utf-8"))
    except InvalidInput as exc:
        assert all(p.file == "any.yml" for p in exc.problems)


def _copy_case() -> Path:
    root = Path(tempfile.mkdtemp(prefix="prop-"))
    shutil.copytree(FIXTURES / "fictional", root / "case",
                    ignore=shutil.ignore_patterns(".dossier"))
    return root / "case"


@SETTINGS
@given(st.lists(st.dictionaries(st.sampled_from(FIELDS), values, max_size=6), max_size=3))
def test_loader_accepts_or_locates_any_people(people: list[dict[str, object]]) -> None:
    case = _copy_case()
    try:
        text = yaml.safe_dump({"people": people}, allow_unicode=True)
        (case / "data" / "fuzz.yml").write_text(text, encoding="utf-8")
        try:
            load_case(case)
        except InvalidInput as exc:
            assert exc.problems
            assert all(p.file.startswith("data/") or p.file == "case.yml"
                       for p in exc.problems)
    finally:
        shutil.rmtree(case.parent)


@SETTINGS
@given(st.lists(st.lists(st.text(max_size=20), min_size=1, max_size=5), max_size=5),
       st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "latin-1"]))
def test_csv_import_accepts_or_refuses_without_changes(rows: list[list[str]],
                                                       encoding: str) -> None:
    case = _copy_case()
    try:
        header = "id,names,birth_date,nationality"
        body = "\n".join(",".join(row) for row in rows)
        path = case.parent / "people.csv"
        try:
            path.write_bytes(f"{header}\n{body}\n".encode(encoding))
        except UnicodeEncodeError:
            return
        before = {p: p.read_bytes() for p in (case / "data").rglob("*") if p.is_file()}
        try:
            import_table(case, path)
        except InvalidInput as exc:
            assert exc.problems
            after = {p: p.read_bytes() for p in (case / "data").rglob("*") if p.is_file()}
            assert after == before
    finally:
        shutil.rmtree(case.parent)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.binary(max_size=60), st.dictionaries(
    st.sampled_from(["id", "schema", "properties", "datasets"]), values, max_size=4
).map(lambda d: json.dumps(d).encode())), max_size=5))
def test_ftm_import_accepts_or_locates_any_lines(lines: list[bytes]) -> None:
    from entities.db.database import CaseDatabase
    from entities.intake.ftm_import import import_ftm

    case = _copy_case()
    try:
        path = case.parent / "fuzz.ftm.json"
        path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
        try:
            import_ftm(case, path)
        except InvalidInput as exc:
            assert all(p.file == "fuzz.ftm.json" for p in exc.problems)
            store = CaseDatabase.for_case(case).statements
            try:
                assert store.count_origin("fuzz.ftm.json:") == 0
            finally:
                store.db.close()
    finally:
        shutil.rmtree(case.parent)
