"""The parse cache: a file read once is not parsed again while its bytes are the same; an
edited file is; problems come back as they were found; an entry not signed with this
user's key is never unpickled, whoever planted it."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

import entities.case.loader as loader
from entities.case.loader import load_case, read_case
from entities.case.parse_cache import FOLDER, ParseCache
from entities.exc import InvalidCase
from entities.settings import STATE_DIR


@pytest.fixture(autouse=True)
def _own_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "user-cache"))


@pytest.fixture
def fictional(fictional: Path) -> Path:
    """The fictional case as after a first build: with its state folder."""
    (fictional / STATE_DIR).mkdir()
    return fictional


def test_a_case_never_built_is_left_as_it_is(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import FIXTURES

    fresh = tmp_path / "fresh"
    shutil.copytree(FIXTURES / "fictional", fresh, ignore=shutil.ignore_patterns(".dossier"))
    load_case(fresh)
    read_case(fresh)
    assert not (fresh / STATE_DIR).exists()


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = loader.parse_yaml

    def counting(file: str, raw: bytes) -> object:
        parsed.append(file)
        return real(file, raw)

    monkeypatch.setattr(loader, "parse_yaml", counting)
    return parsed


def test_an_unchanged_file_is_not_parsed_again(fictional: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_case(fictional)
    parsed = _no_parsing(monkeypatch)
    again = load_case(fictional)
    assert parsed == ["case.yml"]  # the header is always read; no data file
    assert [r.model_dump() for r in again.records()] == \
        [r.model_dump() for r in first.records()]
    assert [r.origin("names", 0) for r in again.people] == \
        [r.origin("names", 0) for r in first.people]
    incidents = fictional / "data" / "incidents.yml"
    incidents.write_text(incidents.read_text("utf-8").replace("title: ", "title: New — ", 1),
                         "utf-8")
    edited = load_case(fictional)
    assert parsed == ["case.yml", "case.yml", "data/incidents.yml"]
    assert edited.incidents[0].title.startswith("New — ")
    # only the entries of the files as they are now are kept
    assert len(list((fictional / STATE_DIR / FOLDER).iterdir())) == \
        len(list((fictional / "data").glob("*.yml")))


def test_problems_come_back_as_found(fictional: Path) -> None:
    (fictional / "data" / "bad.yml").write_text(
        "people:\n- id: p-bad\n  names: []\n  birth_date: 31.02.1980\n", "utf-8")
    with pytest.raises(InvalidCase) as first:
        load_case(fictional)
    with pytest.raises(InvalidCase) as again:
        load_case(fictional)
    assert [str(p) for p in again.value.problems] == [str(p) for p in first.value.problems]
    assert any("bad.yml:4" in str(p) for p in again.value.problems)


class _Planted:
    """Unpickling this writes a file: what a planted entry could do."""

    def __init__(self, target: str):
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (os.mkdir, (self.target,))


def test_an_entry_without_this_users_signature_is_never_unpickled(
        fictional: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_case(fictional)
    path = fictional / "data" / "incidents.yml"
    cache = ParseCache(fictional)
    name = cache._name("data/incidents.yml", path.read_bytes())
    payload = pickle.dumps(_Planted(str(tmp_path / "pwned")))
    entry = fictional / STATE_DIR / FOLDER / name
    assert entry.is_file()
    entry.write_bytes(b"\0" * 32 + payload)  # no signature
    case, problems = read_case(fictional)
    assert not (tmp_path / "pwned").exists() and problems == [] and case is not None
    # signed with another user's (another machine's) key
    import hashlib
    import hmac

    entry.write_bytes(hmac.new(b"k" * 32, payload, hashlib.sha256).digest() + payload)
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(tmp_path / "another-user"))
    load_case(fictional)
    assert not (tmp_path / "pwned").exists()


def test_no_key_no_cache(fictional: Path, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", "utf-8")
    monkeypatch.setenv("DOSSIER_CACHE_DIR", str(blocked))
    assert load_case(fictional).people
    assert not (fictional / STATE_DIR / FOLDER).exists()
