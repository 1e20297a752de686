"""Evidence integrity: every evidence file is hashed (SHA-256) when first registered, and
checked against that hash afterwards.

Registered are the files the case refers to (source files, photos) and every file under
``sources/``. ``dossier build`` registers new files and refuses to use a file whose
content changed since, unless told to accept the change (which records the new hash and
is logged); ``dossier verify`` reports missing, modified and unregistered files.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import delete, select

from entities.case.case import Case
from entities.case.loader import SOURCES_DIR, utf8_name
from entities.db.audit import AuditLog
from entities.db.database import EVIDENCE_FILES as FILES
from entities.db.database import EVIDENCE_ORIGINALS as ORIGINALS
from entities.exc import InvalidCase, InvalidInput, Problem
from entities.files import file_digest
from entities.settings import STATE_DIR

#: The audit actions that record a file's hash.
FILE_ACTIONS = ("register-file", "accept-change")
#: the audit action that takes a deliberately deleted file out of the register
RETIRE = "retire-file"

if TYPE_CHECKING:
    from entities.db.database import CaseDatabase



@dataclass(frozen=True)
class Registered:
    path: str
    size: int
    sha256: str
    registered_at: str


@dataclass(frozen=True)
class Logged:
    """The audit log's last word on a file: the hash it registered or accepted, when."""

    sha256: str
    seq: int
    at: str


@dataclass
class FileReport:
    """What ``dossier verify`` found."""

    ok: list[str] = field(default_factory=list)
    missing: list[Registered] = field(default_factory=list)
    modified: list[tuple[Registered, str]] = field(default_factory=list)
    unregistered: list[str] = field(default_factory=list)
    #: register rows whose hash is not the one the audit log recorded (the register was
    #: altered, perhaps together with the file)
    altered: list[tuple[Registered, Logged]] = field(default_factory=list)
    #: files the audit log registered whose register row is gone
    dropped: list[tuple[str, Logged]] = field(default_factory=list)
    #: register rows no audit entry recorded (written straight into the database)
    unlogged: list[Registered] = field(default_factory=list)
    #: evidentiary copies intact (their preserved bytes still have their hash)
    originals_ok: list[str] = field(default_factory=list)
    #: evidentiary copies whose preserved bytes are gone
    originals_missing: list[Registered] = field(default_factory=list)
    #: evidentiary copies whose preserved bytes changed: (original, their hash now)
    originals_modified: list[tuple[Registered, str]] = field(default_factory=list)
    #: originals known by their hash only (registered before originals were kept)
    originals_unkept: list[Registered] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.modified or self.unregistered or self.altered
                    or self.dropped or self.unlogged or self.originals_missing
                    or self.originals_modified)


def original_path(root: Path, sha256: str) -> Path:
    """Where the evidentiary copy with this hash is kept, inside the case's state folder
    (content-addressed, read-only)."""
    return root / STATE_DIR / "originals" / sha256


def preserve(root: Path, path: str, sha256: str) -> bool:
    """Keep the bytes of ``path`` (whose hash is ``sha256``) as an evidentiary copy, once:
    written beside and renamed into place, then made read-only. False when the file's
    bytes are no longer those (nothing kept)."""
    target = original_path(root, sha256)
    if target.is_file():
        return True
    source = root / path
    if not source.is_file() or file_digest(source) != sha256:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{sha256}.{os.getpid()}.tmp")
    shutil.copyfile(source, temp)
    os.chmod(temp, stat.S_IRUSR | stat.S_IRGRP)
    os.replace(temp, target)
    return True


class Change(NamedTuple):
    """One change to the register: its audit action, the entry before (if any), the new
    one, and (for an accepted change) why the file changed."""

    action: str
    old: Registered | None
    new: Registered
    reason: str = ""
    #: the hash of the evidentiary copy this is a working copy of (a redacted copy)
    derived_from: str = ""


def case_files(case: Case) -> list[str]:
    """Paths (relative, POSIX) of every evidence file of the case that exists."""
    root = case.root.resolve()
    found: set[str] = set()
    for source in case.sources:
        for name in (source.file, source.redacted_file):
            if name:
                found.add(name)
    for person in case.people:
        if person.photo:
            found.add(person.photo)
    folder = root / SOURCES_DIR
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.is_file() and utf8_name(path):  # hidden (dot) files too
                found.add(path.relative_to(root).as_posix())
    return sorted(p for p in found if (root / p).resolve().is_file()
                  and (root / p).resolve().is_relative_to(root))


def links_outside(case: Case) -> list[str]:
    """Files under ``sources/`` that are links to something outside the case folder: not
    evidence the case holds, so never registered — ``verify`` names them."""
    root = case.root.resolve()
    folder = root / SOURCES_DIR
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in folder.rglob("*")
                  if p.is_symlink() and utf8_name(p)
                  and not p.resolve().is_relative_to(root))


class FileRegistry:
    """The registered hashes of a case's evidence files, in its :class:`CaseDatabase`,
    checked against the audit log that recorded each registration."""

    def __init__(self, db: CaseDatabase, case: Case):
        self.db = db
        self.case = case

    def registered(self) -> dict[str, Registered]:
        with self.db.transaction("read the evidence file register") as conn:
            rows = conn.execute(select(FILES).where(
                FILES.c.case_id == self.case.meta.id)).mappings().all()
        return {r["path"]: Registered(r["path"], r["size"], r["sha256"], r["registered_at"])
                for r in rows}

    def originals(self) -> dict[str, tuple[Registered, bool]]:
        """path → its evidentiary copy (the first registration) and whether its bytes
        are kept."""
        with self.db.transaction("read the evidentiary copies") as conn:
            rows = conn.execute(select(ORIGINALS).where(
                ORIGINALS.c.case_id == self.case.meta.id)).mappings().all()
        return {r["path"]: (Registered(r["path"], r["size"], r["sha256"], r["registered_at"]),
                            bool(r["preserved"])) for r in rows}

    def history(self) -> dict[str, Logged]:
        """path → the hash the audit log last registered or accepted for it."""
        out: dict[str, Logged] = {}
        for entry in AuditLog(self.db).entries():
            if entry.action == RETIRE:
                out.pop(entry.subject, None)
            elif entry.action in FILE_ACTIONS and isinstance(entry.after, dict):
                out[entry.subject] = Logged(str(entry.after.get("sha256")), entry.seq,
                                            entry.at)
        return out

    def _declared(self, path: str) -> Registered | None:
        """The hash written in a source's ``sha256`` field, for a file not registered yet."""
        for source in self.case.sources:
            if source.file == path and source.sha256:
                return Registered(path, 0, source.sha256, "")
        return None

    def verify(self) -> FileReport:
        """Re-hash every registered file; list missing, modified and unregistered ones,
        and register rows that the audit log contradicts or misses."""
        report = FileReport()
        known = self.registered()
        history = self.history()
        for path, entry in sorted(known.items()):
            logged = history.get(path)
            if logged is None:
                report.unlogged.append(entry)
            elif logged.sha256 != entry.sha256:
                report.altered.append((entry, logged))
            full = self.case.root / path
            if not full.is_file():
                report.missing.append(entry)
                continue
            digest = file_digest(full)
            if digest != entry.sha256:
                report.modified.append((entry, digest))
            elif logged is not None and logged.sha256 == entry.sha256:
                report.ok.append(path)
        for path, logged in sorted(history.items()):
            if path not in known:
                report.dropped.append((path, logged))
        for path, (original, kept) in sorted(self.originals().items()):
            copy = original_path(self.case.root, original.sha256)
            if not kept:
                report.originals_unkept.append(original)
            elif not copy.is_file():
                report.originals_missing.append(original)
            elif (now := file_digest(copy)) != original.sha256:
                report.originals_modified.append((original, now))
            else:
                report.originals_ok.append(path)
        for path in case_files(self.case):
            if path in known or path in history:
                continue
            declared = self._declared(path)
            digest = file_digest(self.case.root / path) if declared else ""
            if declared and digest != declared.sha256:
                report.modified.append((declared, digest))
            else:
                report.unregistered.append(path)
        return report

    def check(self, accept_changes: bool = False, reason: str = ""
              ) -> tuple[dict[str, Registered], list[Change]]:
        """What the register would be after this build, and the changes to make; writes
        nothing (:meth:`save` does, once every output is written). A file whose content
        differs from what the register or the audit log recorded stops the build unless
        ``accept_changes`` with a ``reason`` (kept with each accepted change); so does a
        register that the audit log contradicts.

        Raises:
            InvalidCase: a registered file changed, disappeared, or its registration was
                altered or removed, and changes are not accepted (or no reason is given).
        """
        known = self.registered()
        history = self.history()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        problems = []
        changes: list[Change] = []
        for path in case_files(self.case):
            full = self.case.root / path
            entry = Registered(path, full.stat().st_size, file_digest(full), now)
            logged = history.get(path)
            old = known.get(path)
            if old is not None and logged is not None and logged.sha256 != old.sha256:
                problem = (f"its registered SHA-256 ({old.sha256[:12]}…) is not the one the "
                           f"audit log recorded (entry {logged.seq}, {logged.at[:10]}: "
                           f"{logged.sha256[:12]}…): the register was altered")
            elif old is None and logged is not None:
                old = Registered(path, 0, logged.sha256, logged.at)
                problem = (f"its registration (audit log entry {logged.seq}, "
                           f"{logged.at[:10]}) is missing from the register")
                if logged.sha256 == entry.sha256:
                    changes.append(Change("register-file", None, entry))  # the same file: restore
                    continue
                problem += f", and the file changed since (now {entry.sha256[:12]}…)"
            else:
                old = old or self._declared(path)
                problem = ""
                if old is None or (path not in known and old.sha256 == entry.sha256):
                    changes.append(Change("register-file", None, entry))
                    continue
                if old.sha256 == entry.sha256:
                    continue
                when = (f"it was registered on {old.registered_at[:10]}" if old.registered_at
                        else "its sha256 was written in the case")
                problem = (f"this evidence file changed since {when} (SHA-256 "
                           f"{old.sha256[:12]}…, now {entry.sha256[:12]}…)")
            if accept_changes and reason.strip():
                changes.append(Change("accept-change", old, entry, reason.strip()))
            elif accept_changes:
                problems.append(Problem(path, 0, "", f"{problem}; say why it changed "
                                        "(--reason, e.g. \"faces blurred for publication\"): "
                                        "the reason is kept with the working copy"))
            else:
                problems.append(Problem(path, 0, "", f"{problem}; check that this is "
                                        "intended, then build with --accept-changes "
                                        "--reason TEXT to register the file as it is now "
                                        "as a working copy of the original"))
        referenced = {s.file for s in self.case.sources} | \
            {s.redacted_file for s in self.case.sources} | {p.photo for p in self.case.people}
        for path, registered in known.items():
            if path in referenced and not (self.case.root / path).is_file():
                problems.append(Problem(path, 0, "", f"this registered evidence file is "
                                        f"missing (registered {registered.registered_at[:10]})"))
        if problems:
            raise InvalidCase(problems)
        changes = self._redactions(changes, known)
        return {**known, **{c[2].path: c[2] for c in changes}}, changes

    def _redactions(self, changes: list[Change], known: dict[str, Registered]
                    ) -> list[Change]:
        """A redacted copy registered for the first time is recorded as a working copy of
        its source's evidentiary copy, with what was changed."""
        redacted = {s.redacted_file: s for s in self.case.sources
                    if s.file and s.redacted_file}
        if not any(c.action == "register-file" and c.new.path in redacted for c in changes):
            return changes
        made = {c.new.path: c.new for c in changes}
        originals = {path: entry for path, (entry, _) in self.originals().items()}
        first = self.first_registrations()
        out = []
        for change in changes:
            source = redacted.get(change.new.path)
            original = None if source is None or source.file is None else (
                originals.get(source.file) or first.get(source.file)
                or made.get(source.file) or known.get(source.file))
            if change.action == "register-file" and original is not None and source:
                change = change._replace(
                    reason=source.redaction or "redacted for publication",
                    derived_from=original.sha256)
            out.append(change)
        return out

    def retire(self, path: str, by: str, reason: str) -> Registered:
        """Take a registered file that was deliberately deleted out of the register, with
        an audit entry saying who and why, so that ``verify`` passes again.

        Raises:
            InvalidInput: the path is not registered, the file still exists, a record
                still names it, or no reason is given (nothing is changed).
        """
        def refuse(message: str) -> InvalidInput:
            return InvalidInput([Problem(path, 0, "", message)], "the file to retire")

        known = self.registered()
        entry = known.get(path)
        if entry is None:
            raise refuse("is not a registered evidence file of this case")
        if (self.case.root / path).exists():
            raise refuse("still exists; only a file that was deliberately deleted is retired")
        users = [s.id for s in self.case.sources if path in (s.file, s.redacted_file)] + \
            [p.id for p in self.case.people if p.photo == path]
        if users:
            raise refuse(f"is still named by {', '.join(users)}; remove it there first")
        if not reason.strip():
            raise refuse("say why it is retired (--reason)")
        with self.db.transaction("retire an evidence file", write=True) as conn:
            conn.execute(delete(FILES).where(FILES.c.case_id == self.case.meta.id,
                                             FILES.c.path == path))
            AuditLog(self.db).append(RETIRE, path, {"sha256": entry.sha256,
                                                    "size": entry.size},
                                     {"retired": True, "reason": reason.strip()}, actor=by)
        return entry

    def first_registrations(self) -> dict[str, Registered]:
        """path → its first registration as the audit log recorded it (since the file was
        last retired): the hash of the evidentiary copy."""
        out: dict[str, Registered] = {}
        for entry in AuditLog(self.db).entries():
            if entry.action == RETIRE:
                out.pop(entry.subject, None)
            elif (entry.action in FILE_ACTIONS and entry.subject not in out
                  and isinstance(entry.after, dict)):
                first = entry.before if entry.action == "accept-change" and \
                    isinstance(entry.before, dict) else entry.after
                out[entry.subject] = Registered(entry.subject, int(first.get("size") or 0),
                                                str(first.get("sha256")), entry.at)
        return out

    def keep_originals(self) -> list[str]:
        """Record the original of each registered file that has none (registered before
        originals were kept: its first registration in the audit log) and keep the bytes
        of each original known by its hash only whose file still has exactly that hash —
        the same bytes, so the evidentiary copy it always was. Return the paths whose
        bytes are now kept; a file that changed since stays known by its hash only."""
        kept: list[str] = []
        originals = self.originals()
        without = set(self.registered()) - set(originals)
        missing = {path: first for path, first in self.first_registrations().items()
                   if path in without} if without else {}
        unkept = [o for o, preserved in originals.values() if not preserved]
        if not unkept and not missing:
            return kept
        with self.db.transaction("keep the evidentiary copies", write=True) as conn:
            for original in unkept:
                if preserve(self.case.root, original.path, original.sha256):
                    conn.execute(ORIGINALS.update().where(
                        ORIGINALS.c.case_id == self.case.meta.id,
                        ORIGINALS.c.path == original.path).values(preserved=1))
                    kept.append(original.path)
            for path, first in sorted(missing.items()):
                preserved = preserve(self.case.root, path, first.sha256)
                conn.execute(ORIGINALS.insert().values(
                    case_id=self.case.meta.id, path=path, sha256=first.sha256,
                    size=first.size, registered_at=first.registered_at,
                    preserved=int(preserved)))
                if preserved:
                    kept.append(path)
        return kept

    def save(self, changes: list[Change]) -> None:
        """Write ``changes`` (from :meth:`check`), each with its audit entry, in the
        current transaction (or one of their own)."""
        if not changes:
            return
        audit = AuditLog(self.db)
        with self.db.transaction("write the evidence file register", write=True) as conn:
            if self.db.dialect == "postgresql":  # concurrent builds take turns
                conn.exec_driver_sql(f"LOCK TABLE {FILES.name} IN SHARE ROW EXCLUSIVE MODE")
            stored = {r["path"]: r["sha256"] for r in conn.execute(
                select(FILES.c.path, FILES.c.sha256).where(
                    FILES.c.case_id == self.case.meta.id)).mappings()}
            originals = {r["path"] for r in conn.execute(
                select(ORIGINALS.c.path).where(
                    ORIGINALS.c.case_id == self.case.meta.id)).mappings()}
            for action, old, new, why, derived in changes:
                if stored.get(new.path) == new.sha256:
                    continue  # registered meanwhile by another build: nothing to record
                first = old if action == "accept-change" and old is not None else new
                if new.path not in originals:  # the first registration is the original
                    kept = preserve(self.case.root, new.path, first.sha256) or \
                        original_path(self.case.root, first.sha256).is_file()
                    conn.execute(ORIGINALS.insert().values(
                        case_id=self.case.meta.id, path=new.path, sha256=first.sha256,
                        size=first.size, registered_at=first.registered_at or new.registered_at,
                        preserved=int(kept)))
                    originals.add(new.path)
                conn.execute(delete(FILES).where(FILES.c.case_id == self.case.meta.id,
                                                 FILES.c.path == new.path))
                conn.execute(FILES.insert().values(
                    case_id=self.case.meta.id, path=new.path, size=new.size,
                    sha256=new.sha256, registered_at=new.registered_at))
                after: dict[str, object] = {"sha256": new.sha256, "size": new.size}
                if action == "accept-change" and old is not None:
                    # a working copy: the original stays the evidentiary copy
                    after["working_copy_of"] = old.sha256
                    after["reason"] = why
                elif derived:  # a redacted copy of another file's evidentiary copy
                    after["working_copy_of"] = derived
                    after["reason"] = why
                audit.append(action, new.path,
                             {"sha256": old.sha256, "size": old.size} if old else None, after)
