"""A change to the case files and its audit entry are one unit: both happen, or neither.

``dossier import`` of a spreadsheet and ``dossier review`` change YAML files in the case
folder and record the change in the audit log, in the database. The two cannot share one
transaction, so a change is made in steps, each of which leaves something to finish from:

1. a journal, ``.dossier/changes/<token>.json``, names the files and the temporary files
   that will hold their new contents, with the audit log's head and the digest of the entry
   to come;
2. the new contents are written to those temporary files, beside their targets;
3. the audit entry is committed, in the database;
4. the temporary files are renamed over their targets (or the targets deleted), and the
   journal is removed.

A command killed, interrupted or refused by the database at any step leaves a journal; the
next command that opens the case (:func:`open_case`) settles it: if the audit log holds the
entry, the change is finished (step 4), else it is undone (the temporary files removed;
the case files were never touched). Commands that change case files take turns through a
lock file, ``.dossier/changes.lock``, held while they read, check and write.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from entities.case.case import Case
from entities.case.loader import load_case
from entities.db.audit import AuditLog, content_digest
from entities.db.database import CaseDatabase
from entities.exc import OutputError, StoreError
from entities.files import atomic_file
from entities.settings import STATE_DIR

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: commands do not take turns
    fcntl = None  # type: ignore[assignment]

JOURNALS = f"{STATE_DIR}/changes"
LOCK_FILE = f"{STATE_DIR}/changes.lock"
#: (case folder, thread) → how deep that thread holds the lock: re-entrant within a thread
#: only, so two threads of one process (the web app's build and a form being saved) take
#: turns through the file lock like two processes do
_held: dict[tuple[Path, int], int] = {}


def _say_waiting(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@contextmanager
def case_files_lock(root: Path, create: bool = True,
                    waiting: Callable[[str], None] = _say_waiting) -> Iterator[None]:
    """Hold the case's lock on its files (re-entrant within a thread); another command, or
    another thread, holding it is waited for, and ``waiting`` told once. A case folder
    where the lock file cannot be created (read-only) is read without it: no one can change
    it. Without ``create`` (a command that only reads), a case without a ``.dossier``
    folder is read without the lock, and the folder is not created."""
    key = (root.resolve(), threading.get_ident())
    if key in _held or fcntl is None:
        _held[key] = _held.get(key, 0) + 1
        try:
            yield
        finally:
            _held[key] -= 1
            if not _held[key]:
                del _held[key]
        return
    if not create and not (root / STATE_DIR).is_dir():
        yield
        return
    try:
        (root / STATE_DIR).mkdir(exist_ok=True)
        handle = open(root / LOCK_FILE, "a+b")  # noqa: SIM115 - held across the yield
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting("Another command is changing this case (an import or a review?); "
                    "waiting for it to finish…")
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        handle.close()  # releases the lock


@dataclass(frozen=True)
class Settled:
    """An interrupted change found and settled."""

    action: str
    subject: str
    finished: bool

    def describe(self) -> str:
        how = "finished" if self.finished else "undone (it had not been recorded)"
        return f"an interrupted {self.action} of {self.subject} was {how}"


def _journals(root: Path) -> list[Path]:
    folder = root / JOURNALS
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _finish(root: Path, files: list[dict[str, str | None]]) -> None:
    """Step 4: rename every temporary file that is still there over its target, delete the
    targets being deleted. Repeatable: a step already done is skipped."""
    folders = set()
    for item in files:
        target = root / str(item["target"])
        if item["temp"] is None:
            target.unlink(missing_ok=True)
        elif (root / item["temp"]).exists():
            os.replace(root / item["temp"], target)
        folders.add(target.parent)
    for folder in folders:
        _fsync_folder(folder)


def _undo(root: Path, files: list[dict[str, str | None]]) -> None:
    for item in files:
        if item["temp"] is not None:
            (root / item["temp"]).unlink(missing_ok=True)


def _settle(root: Path, journal: Path, db: CaseDatabase) -> Settled:
    try:
        plan = json.loads(journal.read_text("utf-8"))
        files, action, subject = plan["files"], plan["action"], plan["subject"]
        head, digest = plan["head"], plan["digest"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{journal.relative_to(root)} (an interrupted change) cannot be "
                         f"read: {exc}; move it away to continue") from exc
    finished = AuditLog(db).recorded_since(head, digest)
    try:
        (_finish if finished else _undo)(root, files)
    except OSError as exc:
        raise OutputError(f"cannot finish an interrupted {action} of {subject}: "
                          f"{exc.strerror or exc}") from exc
    journal.unlink(missing_ok=True)
    return Settled(action, subject, finished)


def settle_changes(root: Path) -> list[Settled]:
    """Finish or undo every interrupted change of the case at ``root`` (the caller holds
    :func:`case_files_lock`). The database is opened only when there is one."""
    journals = _journals(root)
    if not journals:
        return []
    with CaseDatabase.for_case(root) as db:
        return [_settle(root, journal, db) for journal in journals]


def open_case(root: Path | str, told: Callable[[str], None] = _say_waiting) -> Case:
    """The validated case at ``root``, once any interrupted change has been settled (and
    ``told`` about it), read while no other command is changing it.

    Raises:
        CaseNotFound, InvalidCase: as :func:`~entities.case.loader.load_case`.
        StoreError: an interrupted change cannot be settled.
    """
    root = Path(root)
    with case_files_lock(root, create=False):
        for settled in settle_changes(root):
            told(settled.describe()[0].upper() + settled.describe()[1:] + ".")
        return load_case(root)


def commit_change(root: Path, writes: dict[Path, bytes | None], action: str, subject: str,
                  before: Any = None, after: Any = None, actor: str | None = None) -> None:
    """Write (or, for ``None``, delete) each file under ``root`` and append the audit
    entry, as one unit (see the module's description). The caller holds
    :func:`case_files_lock` from reading the case to here, and has validated the change.

    Raises:
        OutputError: a file cannot be written (nothing changed).
        StoreError: the entry cannot be committed (nothing changed).
    """
    token = secrets.token_hex(8)
    files: list[dict[str, str | None]] = []
    for path in sorted(writes):
        temp = None
        if writes[path] is not None:
            temp = (path.parent / f".{path.name}.{token}.tmp").relative_to(root).as_posix()
        files.append({"target": path.relative_to(root).as_posix(), "temp": temp})
    with CaseDatabase.for_case(root) as db:
        log = AuditLog(db)
        journal = root / JOURNALS / f"{token}.json"
        plan = {"action": action, "subject": subject, "head": log.head(),
                "digest": content_digest(action, subject, before, after), "files": files}
        journal.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(journal) as fh:
            fh.write(json.dumps(plan, ensure_ascii=False, indent=1).encode("utf-8"))
        try:
            for path, item in zip(sorted(writes), files, strict=True):
                data = writes[path]
                if data is None or item["temp"] is None:
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(root / item["temp"], "xb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
            with db.transaction(f"record the {action} in the audit log", write=True):
                log.append(action, subject, before, after, actor)
        except BaseException as exc:
            # the entry may or may not have been committed (an interrupt can arrive
            # just after the commit): settle the journal by what the log says
            try:
                settled = _settle(root, journal, db)
            except (StoreError, OutputError):
                raise exc from None  # the journal stays, for the next command to settle
            if settled.finished and isinstance(exc, Exception):
                return  # recorded after all, and now finished: a success
            if isinstance(exc, OSError):
                raise OutputError(f"cannot write the case files: {exc.strerror or exc}"
                                  ) from exc
            raise
        try:
            _finish(root, files)
        except OSError as exc:
            raise OutputError(f"the {action} is recorded but its files could not all be "
                              f"written ({exc.strerror or exc}); the next command will "
                              "finish it") from exc
        journal.unlink(missing_ok=True)
