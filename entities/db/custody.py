"""What a build's checks say about the keeping of evidence files: a file without its
evidentiary copy, and a trusted timestamp that does not verify.

Read from the case database and the case's state folder; the checks of
:mod:`evidence_maps.checks` turn each into a finding on the source that names the file.
``dossier verify`` reports the same and more (it re-hashes every kept copy); this is
what an advocate sees in ``dossier check`` and the build's report before a submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from entities.db.evidence_files import FileRegistry, Registered, original_path
from entities.db.timestamps import TimestampStore, kept_cas, verify_remembered

if TYPE_CHECKING:
    from entities.case.case import Case
    from entities.db.database import CaseDatabase


@dataclass(frozen=True)
class FileProblem:
    #: ``no_original`` or ``bad_timestamp``
    kind: str
    path: str
    #: the hash concerned (the original's, or the stamped one)
    sha256: str
    #: why, in words (a timestamp's failure)
    why: str = ""


def file_problems(db: CaseDatabase, case: Case,
                  files: dict[str, Registered]) -> list[FileProblem]:
    """The problems of the files in ``files`` (the register as this build leaves it):

    - ``no_original``: the file's evidentiary copy is not held — its first registration
      (the originals table, else the audit log, else this build's) has bytes neither
      under ``.dossier/originals`` nor in the file as it is now;
    - ``bad_timestamp``: a token for the file does not verify against the authorities'
      certificates kept by ``dossier timestamp --tsa-ca`` (none kept: not checked; each
      result remembered, :func:`entities.db.timestamps.verify_remembered`).
    """
    registry = FileRegistry(db, case)
    originals = {path: entry for path, (entry, _) in registry.originals().items()}
    # the audit log is read only for files registered before originals were kept
    first = registry.first_registrations() if set(files) - set(originals) else {}
    out = []
    for path, now in sorted(files.items()):
        original = originals.get(path) or first.get(path) or now
        if now.sha256 != original.sha256 and \
                not original_path(case.root, original.sha256).is_file():
            out.append(FileProblem("no_original", path, original.sha256))
    if kept_cas(case.root):
        tokens = [t for t in TimestampStore(db, case.meta.id).tokens() if t.subject in files]
        for checked in verify_remembered(case.root, tokens):
            if not checked.ok:
                out.append(FileProblem("bad_timestamp", checked.token.subject,
                                       checked.token.sha256, checked.why))
    return out
