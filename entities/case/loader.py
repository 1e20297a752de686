"""Load a case folder into a validated :class:`Case`, collecting every problem.

A case folder holds ``case.yml`` and any number of YAML data files under
``data/``. Each data file is a mapping from a section name (``people``,
``organisations``, ``positions``, ``tenures``, ``sources``, ``evidence``,
``incidents``, ``attributions``) to a list of records.
"""

from __future__ import annotations

import difflib
import os
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from entities.case.case import Case
from entities.case.messages import describe, error_paths
from entities.case.model import SECTIONS, CaseMeta, Located, Record
from entities.case.parse_cache import ParseCache
from entities.case.references import check_case
from entities.case.yamlsrc import LocatedData, format_path, parse_yaml
from entities.case.yamlsrc import Path as YPath
from entities.exc import CaseNotFound, InvalidCase, Problem

CASE_FILE = "case.yml"
DATA_DIR = "data"
#: The case's folder of evidence files (registered and hashed by builds).
SOURCES_DIR = "sources"
MAX_FILE_BYTES = 50 * 1024 * 1024


def case_file(root: Path) -> Path:
    """The ``case.yml`` of a case folder; raises :class:`CaseNotFound` without one."""
    path = root / CASE_FILE
    if not root.is_dir():
        raise CaseNotFound(f"'{root}' is not a folder")
    if not path.is_file():
        raise CaseNotFound(
            f"'{root}' is not a case folder: it has no {CASE_FILE} "
            f"(create a new case with: dossier init {root})"
        )
    return path


#: Files as a change would leave them: new contents, or ``None`` for a file it deletes.
Overlay = Mapping[Path, bytes | None]


def data_files(root: Path, overlay: Overlay | None = None) -> list[Path]:
    """The case's data files, in a stable order (file names that are not UTF-8 are left
    to :func:`name_problems`); with ``overlay``, as the change would leave them."""
    folder = root / DATA_DIR
    found: set[Path] = set()
    if folder.is_dir():
        found = {p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml")
                 and p.is_file() and utf8_name(p)}
    for path, data in (overlay or {}).items():
        if path.suffix in (".yml", ".yaml") and path.is_relative_to(folder):
            (found.add if data is not None else found.discard)(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def utf8_name(path: Path) -> bool:
    """Whether ``path`` is spelt in UTF-8 (a name from another system may not be, and
    could then be neither printed, stored nor compared)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def name_problems(root: Path) -> list[Problem]:
    """Every file under ``data/`` and ``sources/`` whose name is not UTF-8."""
    problems = []
    for folder in (DATA_DIR, SOURCES_DIR):
        if not (root / folder).is_dir():
            continue
        for path in sorted((root / folder).rglob("*"), key=lambda p: os.fsencode(p)):
            if not utf8_name(path):
                shown = os.fsencode(path.relative_to(root)).decode("utf-8", "replace")
                problems.append(Problem(shown, 0, "", "this file's name is not UTF-8 text "
                                        "(it was made on another system?); rename it"))
    return problems


def _bytes(root: Path, path: Path, overlay: Overlay | None = None) -> tuple[str, bytes]:
    """A file's name as messages give it, and its bytes (as ``overlay`` would leave it)."""
    rel = path.relative_to(root).as_posix()
    if overlay and overlay.get(path) is not None:
        return rel, overlay[path] or b""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InvalidCase([Problem(rel, 0, "", f"is {size // 1_048_576} MB; split it into "
                                   f"files under {MAX_FILE_BYTES // 1_048_576} MB")])
    return rel, path.read_bytes()


def _read(root: Path, path: Path, overlay: Overlay | None = None) -> LocatedData:
    return parse_yaml(*_bytes(root, path, overlay))


#: One data file's records by section (in file order) and its problems.
FileRecords = tuple[dict[str, list[Record]], list[Problem]]


def _file_records(root: Path, path: Path, cache: ParseCache, overlay: Overlay | None
                  ) -> FileRecords:
    """The records and problems of one data file, from the parse cache when it holds the
    file as it is (:mod:`entities.case.parse_cache`), else read, validated and kept
    there."""
    rel, data = _bytes(root, path, overlay)
    found: FileRecords | None = cache.get(rel, data)
    if found is not None:
        return found
    source = parse_yaml(rel, data)
    sections: dict[str, list[Record]] = {name: [] for name in SECTIONS}
    problems: list[Problem] = []
    _load_records(source, sections, problems)
    source.data = None  # the records hold what was read; the lines stay for messages
    cache.put(rel, data, (sections, problems))
    return sections, problems


def fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """The field names (as written in YAML) of the group at ``loc`` inside ``model``
    (``("collection", "custody", 0)`` → a custody transfer's), for "the known fields are"."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        found = current.model_fields.get(part) if isinstance(current, type) and \
            issubclass(current, BaseModel) else None
        if found is None:
            return []
        current = _model_in(found.annotation)
    if not (isinstance(current, type) and issubclass(current, BaseModel)):
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _model_in(annotation: Any) -> Any:
    """The pydantic model an annotation holds (through Optional, list, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for inner in typing.get_args(annotation):
        found = _model_in(inner)
        if found is not None:
            return found
    return None


def _validate(model: type[Located], data: Any, source: LocatedData, path: YPath,
              problems: list[Problem]) -> Any:
    """Validate one mapping; append problems and return ``None`` when invalid."""
    if not isinstance(data, dict):
        problems.append(Problem(source.file, source.line(path), format_path(path),
                                "must be a group of fields ('field: value' lines)"))
        return None
    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        for loc, error in error_paths(exc):
            full = (*path, *loc)
            problems.append(Problem(source.file, source.line(full), format_path(full),
                                    describe(error, fields_at(model, loc[:-1]))))
        # Keep a placeholder with the id, so that duplicates of it and references
        # to it are judged correctly instead of being reported as missing.
        local_id = data.get("id")
        if not isinstance(local_id, str) or not issubclass(model, Record):
            return None
        record = model.model_construct(id=local_id)
        record.mark_invalid()
    record.locate(source, path)
    return record


def _load_meta(root: Path, problems: list[Problem], overlay: Overlay | None = None
               ) -> CaseMeta | None:
    source = _read(root, case_file(root), overlay)
    meta = _validate(CaseMeta, source.data, source, (), problems)
    return meta if isinstance(meta, CaseMeta) else None


def _load_records(source: LocatedData, sections: dict[str, list[Record]],
                  problems: list[Problem]) -> None:
    data = source.data
    if data is None:
        return
    if not isinstance(data, dict):
        problems.append(Problem(source.file, 1, "", "must start with a section name such as "
                                "'people:' followed by a list of records"))
        return
    for section, items in data.items():
        model = SECTIONS.get(section)
        if model is None:
            guess = difflib.get_close_matches(section, list(SECTIONS), n=1)
            hint = f" (did you mean '{guess[0]}'?)" if guess else ""
            problems.append(Problem(source.file, source.line((section,)), section,
                                    f"is not a known section{hint}; use one of: "
                                    + ", ".join(SECTIONS)))
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(Problem(source.file, source.line((section,)), section,
                                    "must be a list of records, each starting with '- id: ...'"))
            continue
        for index, item in enumerate(items):
            record = _validate(model, item, source, (section, index), problems)
            if record is not None:
                sections[section].append(record)


def load_case(root: Path | str, overlay: Overlay | None = None) -> Case:
    """Read and validate a case folder (with ``overlay``: as it would be once those files
    are written, to validate a change before making it).

    Raises:
        CaseNotFound: the folder has no ``case.yml``.
        InvalidCase: with every problem found, in file and line order.
    """
    case, problems = read_case(root, overlay)
    if problems or case is None:
        raise InvalidCase(problems)
    return case


def read_case(root: Path | str, overlay: Overlay | None = None
              ) -> tuple[Case | None, list[Problem]]:
    """Read a case folder and list its problems without stopping at them: the case (with
    the records that could be read; ``None`` when ``case.yml`` is unusable) and every
    problem. For commands that must look at a broken case (``dossier verify``).

    Raises:
        CaseNotFound: the folder has no ``case.yml``.
    """
    root = Path(root)
    problems: list[Problem] = []
    try:
        meta = _load_meta(root, problems, overlay)
    except InvalidCase as exc:
        problems.extend(exc.problems)
        meta = None
    problems.extend(name_problems(root))
    sections: dict[str, list[Record]] = {name: [] for name in SECTIONS}
    cache = ParseCache(root)
    for path in data_files(root, overlay):
        try:
            found, said = _file_records(root, path, cache, overlay)
        except InvalidCase as exc:
            problems.extend(exc.problems)
            continue
        for name, records in found.items():
            sections[name].extend(records)
        problems.extend(said)
    if overlay is None:
        cache.prune()
    if meta is None:
        return None, problems
    case = Case(root, meta, **sections)  # type: ignore[arg-type]
    problems.extend(check_case(case))
    return case, problems
