"""Evidence integrity: every evidence file is hashed (SHA-256) when first registered, and
checked against that hash afterwards.

Registered are the files the case refers to (source files, photos) and every file under
``sources/``. ``dossier build`` registers new files and refuses to use a file whose
content changed since, unless told to accept the change (which records the new hash and
is logged); ``dossier verify`` reports missing, modified and unregistered files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from entities.case.case import Case
from entities.db.audit import AuditLog
from entities.db.database import EVIDENCE_FILES as FILES
from entities.exc import InvalidCase, Problem
from entities.files import file_digest

if TYPE_CHECKING:
    from entities.db.database import CaseDatabase

SOURCES_DIR = "sources"


@dataclass(frozen=True)
class Registered:
    path: str
    size: int
    sha256: str
    registered_at: str


@dataclass
class FileReport:
    """What ``dossier verify`` found."""

    ok: list[str] = field(default_factory=list)
    missing: list[Registered] = field(default_factory=list)
    modified: list[tuple[Registered, str]] = field(default_factory=list)
    unregistered: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.modified or self.unregistered)


def case_files(case: Case) -> list[str]:
    """Paths (relative, POSIX) of every evidence file of the case that exists."""
    root = case.root.resolve()
    found: set[str] = set()
    for source in case.sources:
        if source.file:
            found.add(source.file)
    for person in case.people:
        if person.photo:
            found.add(person.photo)
    folder = root / SOURCES_DIR
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                found.add(path.relative_to(root).as_posix())
    return sorted(p for p in found if (root / p).resolve().is_file()
                  and (root / p).resolve().is_relative_to(root))


class FileRegistry:
    """The registered hashes of a case's evidence files, in its :class:`CaseDatabase`."""

    def __init__(self, db: CaseDatabase, case: Case):
        self.db = db
        self.case = case

    def registered(self) -> dict[str, Registered]:
        with self.db.transaction("read the evidence file register") as conn:
            rows = conn.execute(select(FILES).where(
                FILES.c.case_id == self.case.meta.id)).mappings().all()
        return {r["path"]: Registered(r["path"], r["size"], r["sha256"], r["registered_at"])
                for r in rows}

    def _declared(self, path: str) -> Registered | None:
        """The hash written in a source's ``sha256`` field, for a file not registered yet."""
        for source in self.case.sources:
            if source.file == path and source.sha256:
                return Registered(path, 0, source.sha256, "")
        return None

    def verify(self) -> FileReport:
        """Re-hash every registered file; list missing, modified and unregistered ones."""
        report = FileReport()
        known = self.registered()
        for path, entry in sorted(known.items()):
            full = self.case.root / path
            if not full.is_file():
                report.missing.append(entry)
                continue
            digest = file_digest(full)
            if digest != entry.sha256:
                report.modified.append((entry, digest))
            else:
                report.ok.append(path)
        for path in case_files(self.case):
            if path in known:
                continue
            declared = self._declared(path)
            digest = file_digest(self.case.root / path) if declared else ""
            if declared and digest != declared.sha256:
                report.modified.append((declared, digest))
            else:
                report.unregistered.append(path)
        return report

    def check_and_register(self, accept_changes: bool = False) -> list[Registered]:
        """Register new files; refuse changed ones unless ``accept_changes`` (then record
        the new hash). Each registration and accepted change goes to the audit log.
        Returns the register after the call.

        Raises:
            InvalidCase: a registered file changed or disappeared and changes are not
                accepted (nothing is registered then).
        """
        known = self.registered()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        problems = []
        changes: list[tuple[str, Registered | None, Registered]] = []
        for path in case_files(self.case):
            full = self.case.root / path
            entry = Registered(path, full.stat().st_size, file_digest(full), now)
            old = known.get(path) or self._declared(path)
            if old is None:
                changes.append(("register-file", None, entry))
            elif old.sha256 != entry.sha256:
                if accept_changes:
                    changes.append(("accept-change", old, entry))
                else:
                    when = (f"it was registered on {old.registered_at[:10]}" if old.registered_at
                            else "its sha256 was written in the case")
                    problems.append(Problem(path, 0, "", (
                        f"this evidence file changed since {when} (SHA-256 "
                        f"{old.sha256[:12]}…, now {entry.sha256[:12]}…); check that the "
                        f"change is intended, then build with --accept-changes to record "
                        f"the new hash")))
            elif path not in known:
                changes.append(("register-file", None, entry))
        referenced = {s.file for s in self.case.sources} | {p.photo for p in self.case.people}
        for path, old in known.items():
            if path in referenced and not (self.case.root / path).is_file():
                problems.append(Problem(path, 0, "", f"this registered evidence file is "
                                        f"missing (registered {old.registered_at[:10]})"))
        if problems:
            raise InvalidCase(problems)
        if changes:
            self._save(changes)
        return list({**known, **{c[2].path: c[2] for c in changes}}.values())

    def _save(self, changes: list[tuple[str, Registered | None, Registered]]) -> None:
        audit = AuditLog(self.db)
        with self.db.transaction("write the evidence file register") as conn:
            if self.db.dialect == "postgresql":  # concurrent builds take turns
                conn.exec_driver_sql(f"LOCK TABLE {FILES.name} IN SHARE ROW EXCLUSIVE MODE")
            stored = {r["path"]: r["sha256"] for r in conn.execute(
                select(FILES.c.path, FILES.c.sha256).where(
                    FILES.c.case_id == self.case.meta.id)).mappings()}
            for action, old, new in changes:
                if stored.get(new.path) == new.sha256:
                    continue  # registered meanwhile by another build: nothing to record
                conn.execute(delete(FILES).where(FILES.c.case_id == self.case.meta.id,
                                                 FILES.c.path == new.path))
                conn.execute(FILES.insert().values(
                    case_id=self.case.meta.id, path=new.path, size=new.size,
                    sha256=new.sha256, registered_at=new.registered_at))
                audit.append(action, new.path,
                             {"sha256": old.sha256, "size": old.size} if old else None,
                             {"sha256": new.sha256, "size": new.size})
