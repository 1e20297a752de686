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
