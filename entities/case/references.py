"""Cross-record checks: unique ids, references, date order, files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from entities.case.case import Case
from entities.case.model import (
    Attribution,
    Evidence,
    Incident,
    OrganisationRecord,
    Person,
    Position,
    Record,
    Relation,
    Source,
    Tenure,
)
from entities.exc import Problem

#: (record type, field) → kinds of record the field may point to.
REFERENCES: dict[tuple[type[Record], str], tuple[str, ...]] = {
    (Person, "evidence"): ("evidence",),
    (OrganisationRecord, "evidence"): ("evidence",),
    (OrganisationRecord, "parent"): ("organisation",),
    (Position, "organisation"): ("organisation",),
    (Tenure, "person"): ("person",),
    (Tenure, "position"): ("position",),
    (Tenure, "evidence"): ("evidence",),
    (Relation, "subject"): ("person", "organisation"),
    (Relation, "organisation"): ("organisation",),
    (Relation, "evidence"): ("evidence",),
    (Source, "derived_from"): ("source",),
    (Source, "addressees"): ("person", "organisation"),
    (Evidence, "source"): ("source",),
    (Incident, "victims"): ("person", "organisation"),
    (Incident, "evidence"): ("evidence",),
    (Incident, "pattern_evidence"): ("evidence",),
    (Attribution, "actor"): ("person", "organisation"),
    (Attribution, "incident"): ("incident",),
    (Attribution, "evidence"): ("evidence",),
    (Attribution, "contrary_evidence"): ("evidence",),
    (Attribution, "principal"): ("person", "organisation"),
}


def _kinds_text(kinds: tuple[str, ...]) -> str:
    text = " or ".join("evidence item" if k == "evidence" else k for k in kinds)
    return ("an " if text[0] in "aeiou" else "a ") + text


def _refs(record: Record, field: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    value = getattr(record, field)
    if isinstance(value, str):
        yield (field,), value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (field, index), item


def check_ids(records: list[Record]) -> list[Problem]:
    """Every id is used once in the whole case."""
    problems = []
    seen: dict[str, Record] = {}
    for record in records:
        first = seen.setdefault(record.id, record)
        if first is not record:
            problems.append(record.problem(
                f"'{record.id}' is already the id of the {first.kind} at {first.origin('id')}; "
                "every id must be unique in the case", "id"))
    return problems


def check_references(case: Case) -> list[Problem]:
    """Every reference points to an existing record of the right kind."""
    problems = []
    index = case.index
    for record in case.valid_records():
        for (rtype, field), kinds in REFERENCES.items():
            if not isinstance(record, rtype):
                continue
            for path, ref in _refs(record, field):
                target = index.get(ref)
                where = f"(in {record.kind} '{record.id}')"
                if target is None:
                    message = (f"'{ref}' does not exist; it must be the id of "
                               f"{_kinds_text(kinds)} {where}")
                elif target.kind not in kinds:
                    message = (f"'{ref}' is the {target.kind} at {target.origin('id')}, "
                               f"not {_kinds_text(kinds)} {where}")
                else:
                    continue
                problems.append(record.problem(message, *path))
    return problems


def check_dates(case: Case) -> list[Problem]:
    """Periods do not end before they start; evidence is not also contrary evidence."""
    problems = []
    periods: list[tuple[Record, str, str | None, str, str | None]] = []
    periods += [(t, "start", t.start, "end", t.end) for t in case.tenures if not t.invalid]
    periods += [(r, "start", r.start, "end", r.end) for r in case.relations if not r.invalid]
    periods += [(i, "date", i.date, "end_date", i.end_date)
                for i in case.incidents if not i.invalid]
    for record, first_name, first, last_name, last in periods:
        if first and last and last < first[: len(last)]:
            problems.append(record.problem(
                f"{last} is before {first_name} {first}; a period cannot end before it starts",
                last_name))
    for a in case.attributions:
        if a.invalid:
            continue
        for ref in sorted(set(a.evidence) & set(a.contrary_evidence)):
            problems.append(a.problem(
                f"'{ref}' is listed both as evidence and as contrary evidence",
                "contrary_evidence"))
    return problems


#: The largest photo a case may use (a 40-megapixel image is 120 MB once decoded).
MAX_PHOTO_PIXELS = 40_000_000


def check_files(case: Case) -> list[Problem]:
    """Source files and photos exist inside the case folder, and photos are images that
    can be read whole and are not too large. (Hashes are checked by
    :mod:`entities.db.evidence_files` when a build registers or uses the files.)"""
    problems = []
    root = case.root.resolve()
    for record, field, rel in _files(case):
        path = (root / rel).resolve()
        if not path.is_relative_to(root):
            problems.append(record.problem(
                f"'{rel}' is outside the case folder; keep files inside it", field))
        elif not path.is_file():
            problems.append(record.problem(
                f"file '{rel}' does not exist in the case folder", field))
        elif field == "photo":
            message = photo_problem(path)
            if message:
                problems.append(record.problem(f"'{rel}' {message}", field))
    for source in case.sources:
        if source.invalid or not source.redacted_file:
            continue
        if not source.file:
            problems.append(source.problem(
                "a redacted copy is made from the file as collected: give that as file "
                "(the evidentiary copy, for the government outputs)", "redacted_file"))
        elif source.redacted_file == source.file:
            problems.append(source.problem(
                "is the file itself: give the redacted copy its own file name, and keep "
                "the file as collected", "redacted_file"))
    return problems


def photo_problem(path: Path) -> str | None:
    """Why the photo at ``path`` cannot go into a dossier (``None``: it can). Its size is
    read from the header before any pixel is decoded."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_PHOTO_PIXELS:
                    return (f"is {width:,} × {height:,} pixels; a photo may have at most "
                            f"{MAX_PHOTO_PIXELS // 1_000_000} million: make it smaller")
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "claims to be too large an image to open; make it smaller"
    except (OSError, ValueError, SyntaxError) as exc:
        return f"is not an image that can be read whole ({exc}); save it again as JPEG or PNG"
    return None


def _files(case: Case) -> Iterator[tuple[Record, str, str]]:
    for source in case.sources:
        if not source.invalid and source.file:
            yield source, "file", source.file
        if not source.invalid and source.redacted_file:
            yield source, "redacted_file", source.redacted_file
    for person in case.people:
        if not person.invalid and person.photo:
            yield person, "photo", person.photo


def check_case(case: Case) -> list[Problem]:
    """All cross-record checks."""
    return (check_ids(list(case.records())) + check_references(case)
            + check_dates(case) + check_files(case))
