"""Adding and changing records as a form gives them (entities.intake.records): only the
record's lines change, the case is validated first, conflicts are noticed, the audit log
says who; an attribution's review stays with the review queue."""

from __future__ import annotations

from pathlib import Path

import pytest

from entities.db.audit import read_log
from entities.db.changes import open_case
from entities.exc import InvalidCase
from entities.intake.records import (
    Conflict,
    digest,
    field_of,
    form_fields,
    new_record_file,
    save_record,
)


def _form(root: Path, section: str, record_id: str) -> dict[str, str]:
    record = open_case(root).index[record_id]
    return {f.column.field: f.text for f in form_fields(section, record)}


def test_a_change_touches_only_the_records_lines_and_is_audited(fictional: Path) -> None:
    path = fictional / "data" / "actors.yml"
    path.write_text("# kept: a comment above everything\n" + path.read_text("utf-8"), "utf-8")
    before = path.read_text("utf-8")
    form = _form(fictional, "people", "chief")
    assert "Serik Oydanov [eng]" in form["names"]
    form["birth_place"] = "Exampleville"
    form["names"] += "\nСерик Ойданов [ru, alias]"
    saved = save_record(fictional, "people", "chief", form, digest(path), "Form Tester")
    assert saved.birth_place == "Exampleville"
    after = path.read_text("utf-8")
    assert after.startswith("# kept: a comment above everything\n")
    chief = before.index("  - id: chief")
    assert after[:chief] == before[:chief]  # everything before the record is untouched
    case = open_case(fictional)
    assert case.index["chief"].birth_place == "Exampleville"
    assert [n.type for n in case.index["chief"].names].count("alias") == 1
    entry = read_log(fictional)[-1]
    assert (entry.action, entry.subject, entry.actor) == ("edit", "chief", "Form Tester")


def test_a_mistake_is_located_at_its_field_and_nothing_is_written(fictional: Path) -> None:
    path = fictional / "data" / "actors.yml"
    before = path.read_bytes()
    form = _form(fictional, "people", "chief")
    form["birth_date"] = "sometime in 1968"
    with pytest.raises(InvalidCase) as caught:
        save_record(fictional, "people", "chief", form, digest(path), "Form Tester")
    assert [field_of(p) for p in caught.value.problems] == ["birth_date"]
    assert caught.value.problems[0].file == "data/actors.yml"
    assert path.read_bytes() == before


def test_a_file_changed_since_the_form_opened_is_not_overwritten(fictional: Path) -> None:
    path = fictional / "data" / "actors.yml"
    seen, seen_text = digest(path), path.read_text("utf-8")
    form = _form(fictional, "people", "chief")
    path.write_text(seen_text.replace("Exampletown", "Othertown"), "utf-8")  # another tab
    form["birth_place"] = "Exampleville"
    with pytest.raises(Conflict) as caught:
        save_record(fictional, "people", "chief", form, seen, "Form Tester", seen_text)
    assert "-    birth_place: Exampletown" in caught.value.diff
    assert "+    birth_place: Othertown" in caught.value.diff
    assert "Othertown" in path.read_text("utf-8")


def test_a_new_record_goes_after_the_last_of_its_kind(fictional: Path) -> None:
    path = new_record_file(fictional, "people")
    form = {f.column.field: f.text for f in form_fields("people", None)}
    form.update({"id": "deputy", "names": "Aigerim Fictionova [en]\nАйгерим Фиктионова [ru]",
                 "birth_date": "1975-04", "nationality": "KZ"})
    save_record(fictional, "people", None, form, digest(path), "Form Tester")
    case = open_case(fictional)
    assert case.index["deputy"].birth_date == "1975-04"
    assert [n.lang for n in case.index["deputy"].names] == ["eng", "rus"]
    with pytest.raises(InvalidCase) as caught:
        save_record(fictional, "people", None, form, digest(path), "Form Tester")
    assert "is taken" in str(caught.value.problems[0])


def test_a_first_record_of_a_kind_starts_its_own_file(fictional: Path) -> None:
    path = new_record_file(fictional, "relations")
    assert path == fictional / "data" / "relations.yml" and not path.exists()
    form = {"id": "rel-1", "type": "employment", "subject": "chief",
            "organisation": "directorate", "evidence": "ev-memo"}
    save_record(fictional, "relations", None, form, digest(path), "Form Tester")
    assert open_case(fictional).index["rel-1"].type == "employment"


def test_an_attributions_review_is_not_set_by_a_form(fictional: Path) -> None:
    path = fictional / "data" / "incidents.yml"
    fields = [f.column.field for f in form_fields("attributions", None)]
    assert "status" not in fields and "reviewed_by" not in fields
    form = _form(fictional, "attributions", "att-chief")
    form["status"] = "reviewed"  # smuggled in: ignored
    form["note"] = "Seen by the form test"
    saved = save_record(fictional, "attributions", "att-chief", form, digest(path), "Form Tester")
    assert saved.status == "draft" and saved.note == "Seen by the form test"
    new = {"id": "att-new", "actor": "chief", "incident": "inc-detention",
           "mode": "ordering", "evidence": "ev-memo", "status": "reviewed"}
    added = save_record(fictional, "attributions", None, new, digest(path), "Form Tester")
    assert added.status == "draft" and added.entered_by == "Form Tester"


def test_two_threads_of_one_process_take_turns_on_the_case(fictional: Path) -> None:
    """The web app's build thread and a request thread: the lock is re-entrant within a
    thread only, so the second waits for the first (and nothing breaks when they end)."""
    import threading
    import time

    from entities.db.changes import case_files_lock

    order: list[str] = []
    inside = threading.Event()

    def first() -> None:
        with case_files_lock(fictional, waiting=lambda _m: None):
            inside.set()
            time.sleep(0.3)
            order.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    inside.wait(5)
    with case_files_lock(fictional, waiting=lambda _m: order.append("second waits")), \
            case_files_lock(fictional):  # re-entrant within this thread
        order.append("second in")
    thread.join(5)
    assert order == ["second waits", "first out", "second in"]


def test_a_record_is_deleted_only_when_nothing_refers_to_it(fictional: Path) -> None:
    from entities.intake.records import delete_record

    case = open_case(fictional)
    chief = case.index["chief"]
    path = fictional / chief.defined_in
    text = path.read_text("utf-8")
    with pytest.raises(InvalidCase) as refused:
        delete_record(fictional, "people", "chief", digest(path), "Tester")
    messages = [str(p) for p in refused.value.problems]
    assert "still referred to" in messages[0]
    assert any("attributions" in m and "chief" in m for m in messages[1:]), messages
    assert path.read_text("utf-8") == text  # nothing written
    witness = case.index["witness"]
    delete_record(fictional, "people", "witness", digest(fictional / witness.defined_in),
                  "Tester")
    after = open_case(fictional)
    assert "witness" not in after.index and "chief" in after.index
    left = path.read_text("utf-8")
    assert "Quiet Witness" not in left and left.startswith(text.split("\n", 1)[0])
    entry = read_log(fictional)[-1]
    assert entry.action == "delete" and entry.subject == "witness" and entry.actor == "Tester"


def test_every_field_of_every_form_has_its_label_in_both_languages() -> None:
    from entities.case.model import SECTIONS
    from entities.i18n.messages import text
    from entities.intake.records import editable

    for section in SECTIONS:
        for column in editable(section):
            for lang in ("en", "ru"):
                assert text(f"web.field_{column.field}", lang), (section, column.field)
