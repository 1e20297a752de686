"""The SQLite store holds exactly the compiled statements, replaced atomically."""

from __future__ import annotations

from pathlib import Path

import pytest
from followthemoney import StatementEntity

from entities.case.loader import load_case
from entities.db.database import CaseDatabase
from entities.exc import StoreError
from entities.ftm.compile import case_dataset, compile_case


def test_round_trip(fictional: Path) -> None:
    case = load_case(fictional)
    entities = compile_case(case)
    store = CaseDatabase.for_case(fictional).statements
    written = store.replace(case.meta.id, entities)
    assert written == sum(len(list(e.statements)) for e in entities)
    assert (fictional / ".dossier" / "case.db").is_file()
    back = {e.id: e for e in store.entities(case_dataset(case))}
    assert set(back) == {e.id for e in entities}
    for entity in entities:
        assert {s.id for s in back[entity.id].statements} == {s.id for s in entity.statements}
        assert {(s.prop, s.value, s.origin, s.lang) for s in back[entity.id].statements} == \
            {(s.prop, s.value, s.origin, s.lang) for s in entity.statements}
    # Rebuilding replaces rather than appends.
    store.replace(case.meta.id, entities)
    assert store.count(case.meta.id) == written
    store.db.close()


def test_failed_replace_keeps_previous_statements(fictional: Path) -> None:
    case = load_case(fictional)
    entities = compile_case(case)
    store = CaseDatabase.for_case(fictional).statements
    before = store.replace(case.meta.id, entities)

    def broken() -> list[StatementEntity]:
        yield entities[0]
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        store.replace(case.meta.id, broken())
    assert store.count(case.meta.id) == before
    store.db.close()


def test_database_url_from_environment(fictional: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    monkeypatch.setenv("DOSSIER_DATABASE_URL", url)
    store = CaseDatabase.for_case(fictional).statements
    assert store.db.url == url
    store.db.close()


def test_unopenable_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="cannot open the case database"):
        CaseDatabase(f"sqlite:///{tmp_path / 'file' / 'sub' / 'case.db'}")


def test_a_database_of_an_older_version_gets_the_new_columns(tmp_path: Path) -> None:
    """screening_run.list_date came later: an existing database is brought up to date, and
    its stored runs read back (with the list's date unknown)."""
    import sqlite3

    from entities.db.screening import ScreeningRun

    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE screening_run (id INTEGER PRIMARY KEY, case_id VARCHAR(255) NOT NULL,
          list_name VARCHAR(1024) NOT NULL, list_sha256 VARCHAR(64) NOT NULL,
          mode VARCHAR(16) NOT NULL, entries INTEGER NOT NULL, countries TEXT NOT NULL,
          threshold FLOAT NOT NULL, screened_at VARCHAR(32) NOT NULL, targets TEXT NOT NULL);
        INSERT INTO screening_run VALUES (1, 'c', 'old_list.json', 'ab', 'local', 3, '["us"]',
          0.7, '2024-05-01T10:00:00+00:00', '["t"]');
    """)
    old.commit()
    old.close()
    db = CaseDatabase(f"sqlite:///{path}")
    try:
        (run,) = db.screening.runs("c")
        assert run.list_date == ""
        assert run.as_of == "old_list.json (date of the list unknown; screened 2024-05-01)"
        db.screening.save_run("c", ScreeningRun("new.json", "cd", "local", 1, ["us"], 0.7,
                                                "2024-06-01T00:00:00+00:00", ["t"],
                                                list_date="2024-05-31"))
        assert {r.as_of for r in db.screening.runs("c")} >= {"new.json as of 2024-05-31"}
    finally:
        db.close()


def _stored(case_root: Path) -> set[tuple[object, ...]]:
    """Every stored statement of the case, as a row."""
    from sqlalchemy import select

    from entities.db.database import STATEMENTS

    with CaseDatabase.for_case(case_root) as db, db.transaction() as conn:
        return {tuple(row) for row in conn.execute(select(STATEMENTS))}


def test_a_rebuild_stores_what_a_build_from_scratch_stores(fictional: Path,
                                                           tmp_path: Path) -> None:
    """A rebuild rewrites only the statements of entities that changed, and the database
    then holds exactly what a build from scratch stores: a changed value, a new record,
    a record gone."""
    import shutil

    from dossier.build import build_case

    extra = fictional / "data" / "extra.yml"
    extra.write_text("people:\n- id: p-extra\n  names:\n  - name: Fictional Extra Person\n",
                     "utf-8")
    first = build_case(fictional, tmp_path / "out")
    assert first.statements > 0
    assert build_case(fictional, tmp_path / "out").statements == 0  # nothing changed
    extra.unlink()
    incidents = fictional / "data" / "incidents.yml"
    incidents.write_text(incidents.read_text("utf-8").replace("title: ", "title: New — ", 1),
                         "utf-8")
    again = build_case(fictional, tmp_path / "out")
    assert 0 < again.statements < first.statements
    fresh = tmp_path / "fresh"
    shutil.copytree(fictional, fresh, ignore=shutil.ignore_patterns(".dossier"))
    build_case(fresh, tmp_path / "fresh-out")
    assert _stored(fictional) == _stored(fresh)
    assert not [row for row in _stored(fictional) if "p-extra" in str(row)]


def test_the_spool_of_a_build_that_died_is_removed(fictional: Path, tmp_path: Path) -> None:
    """A build killed before it stored what it spooled leaves its spool in the state
    folder; the next build removes it (and its own, once stored)."""
    from dossier.build import build_case

    dead = fictional / ".dossier" / "build-999999999"
    dead.mkdir(parents=True)
    (dead / "statements.pickle").write_bytes(b"left behind")
    build_case(fictional, tmp_path / "out")
    assert not list((fictional / ".dossier").glob("build-*"))
