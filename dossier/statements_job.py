"""The build's jobs made of FollowTheMoney entities, each in a process of its own.

* :func:`spool_statements`: every record with ``file:line`` provenance, for the case
  database — made from the case as read, so it runs in the background from the moment
  the case is read (:func:`spooling`: one process per worker, each compiling an equal
  run of every kind of record — the build's own process has less than a core's work
  meanwhile), while the build makes the view; the build waits for it before its workers
  start (measured at 10,000 targets: run on beside the workers, its memory added to
  theirs — 3,465 MB at most for all processes in a rebuild, against 2,905 MB for the
  earlier code, bee71dc, in the same run).
* :func:`write_entities`: the records the audience may see, for the outputs made of
  FollowTheMoney entities (``entities.ftm.json``, the OpenSanctions dataset) — a side
  job beside the dossiers.

(Both used to run one after the other in one worker, so that the outputs' entities
reused the memory the statements left; run apart, the statements overlap the view's
making rather than the other case-level outputs.) The database's statements, and the
ids of the outputs' statements seen for the first time, go to a *spool*: files in a
private folder of the case's state folder, which the build stores once every output is
written (:func:`dossier.build.store`), so that a build that fails changes nothing in the
database. When each statement was first seen is read through the worker's own
connection to the database (a connection is never shared across a fork).

A large case's statements and entities are the largest thing a build makes; made in
these jobs, none of it is held by the build's main process, whose memory every worker
shares.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from followthemoney import StatementEntity

from dossier.workers import Background, default_workers
from entities.case.case import Case
from entities.db.database import CaseDatabase
from entities.exc import InvalidCase, Problem
from entities.ftm.compile import stream_case
from entities.settings import STATE_DIR
from evidence_maps.view import CaseView
from exports.registry import Exporter

#: the background job that spools the case database's statements (in its messages)
JOB = "the case database's statements"
#: the spooled statements of the case database (by entity) and each entity's digest,
#: one file of each per part (:func:`spooling`), and the first sightings of the outputs'
#: statements
STATEMENTS = "statements-{part}.pickle"
DIGESTS = "digests-{part}.pickle"
SIGHTINGS = "sightings.pickle"
#: statements per pickled batch in the spool
BATCH = 5000
_PREFIX = "build-"


def spool_folder(root: Path) -> Path:
    """A new private folder for this build's spool in the case's state folder (spools
    of builds that are no longer running are removed first)."""
    state = root / STATE_DIR
    state.mkdir(parents=True, exist_ok=True)
    for leftover in state.glob(f"{_PREFIX}*"):
        pid = leftover.name.removeprefix(_PREFIX)
        if not (pid.isdigit() and _running(int(pid))):
            shutil.rmtree(leftover, ignore_errors=True)
    folder = state / f"{_PREFIX}{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700)
    return folder


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    return True


def _dump(path: Path, items: Iterable[Any]) -> None:
    """Write ``items`` to ``path`` as pickled batches."""
    with open(path, "wb") as fh:
        batch: list[Any] = []
        for item in items:
            batch.append(item)
            if len(batch) >= BATCH:
                pickle.dump(batch, fh, protocol=pickle.HIGHEST_PROTOCOL)
                batch = []
        if batch:
            pickle.dump(batch, fh, protocol=pickle.HIGHEST_PROTOCOL)


def _load(path: Path) -> Iterator[Any]:
    """The items of a spool file, batch by batch (never all at once)."""
    with open(path, "rb") as fh:
        while True:
            try:
                yield from pickle.load(fh)
            except EOFError:
                return


def _load_parts(spool: Path, name: str) -> Iterator[Any]:
    """The items of every part's spool file ``name``."""
    for path in sorted(spool.glob(name.format(part="*"))):
        yield from _load(path)


def digests(spool: Path) -> Iterator[tuple[str, str]]:
    """Each entity of the case database (id) and the digest of its statements."""
    return _load_parts(spool, DIGESTS)


def statement_rows(spool: Path, entity_ids: set[str]) -> Iterator[dict[str, Any]]:
    """The case database's statements of the entities ``entity_ids``, as table rows."""
    for entity_id, rows in _load_parts(spool, STATEMENTS):
        if entity_id in entity_ids:
            yield from rows


def _entity_rows(entity: StatementEntity) -> tuple[str, str, list[dict[str, Any]]]:
    """An entity's id, the digest of its statements and the statements as rows."""
    rows = sorted((stmt.to_db_row() for stmt in entity.statements),
                  key=lambda row: str(row["id"]))
    digest = hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode())
    return str(entity.id), digest.hexdigest(), rows


def sightings(spool: Path) -> dict[str, str]:
    """Statement id → when it was first seen, for those first seen in this build."""
    return dict(_load(spool / SIGHTINGS))  # an id spooled twice is kept once


def spool_statements(case: Case, spool: Path, part: int = 0, parts: int = 1) -> None:
    """Spool the case database's statements of ``case`` (every record
    as read, with its ``file:line``, before any pseudonymising of free text) entity by
    entity, with each entity's digest — or of one ``part`` of its records in ``parts``
    (:meth:`entities.ftm.compile.Compiler.stream`).

    Raises:
        InvalidCase: a value FollowTheMoney cannot store.
    """
    digests: list[tuple[str, str]] = []

    def rows() -> Iterator[tuple[str, list[dict[str, Any]]]]:
        # made, spooled and let go one at a time
        for entity in stream_case(case, part, parts):
            entity_id, digest, made = _entity_rows(entity)
            digests.append((entity_id, digest))
            yield entity_id, made

    _dump(spool / STATEMENTS.format(part=part), rows())
    _dump(spool / DIGESTS.format(part=part), digests)


@contextmanager
def spooling(case: Case, spool: Path, workers: int | None = None
             ) -> Iterator[Callable[[], None]]:
    """Spool the case database's statements of ``case`` in the background
    (:func:`spool_statements`), in one process per worker (``workers``; default: one per
    core), each making those of an equal run of every kind of record; gives the function
    that waits for them all.
    Leaving the block stops those still working.

    Raises (the function given):
        InvalidCase: a value FollowTheMoney cannot store (every part's, together).
        OutputError: a process died.
    """
    parts = max(1, workers if workers is not None else default_workers())
    with ExitStack() as stack:
        jobs = [stack.enter_context(Background(
            partial(spool_statements, case, spool, part, parts), JOB, workers))
            for part in range(parts)]

        def wait() -> None:
            problems: list[Problem] = []
            for job in jobs:
                try:
                    job.result()
                except InvalidCase as exc:
                    problems += exc.problems
            if problems:
                raise InvalidCase(problems)

        yield wait


def write_entities(view: CaseView, root: Path, out: Path, lang: str, spool: Path,
                   exporters: list[Exporter]) -> dict[str, int]:
    """Write ``exporters`` of ``view`` under ``out`` (with when each statement was first
    seen, read from the case database) and spool the statements seen for the first time;
    return each exporter's count.

    Raises:
        StoreError: the database cannot be read.
    """
    with CaseDatabase.for_case(root) as db:
        view.seen = db.statements.first_seen(view.case.meta.id)
    counts = {item.name: item.write(view, out / item.path, lang) for item in exporters}
    _dump(spool / SIGHTINGS, view.new_sightings())
    return counts

