"""``dossier build`` and ``dossier export``: validate the case, store it, make its view for
the audience, and write the outputs from that view (orchestration only).

The outputs of a build are every exporter of :mod:`exports.registry` marked ``in_build``,
the case overview PDF, and the per-target diagrams and dossiers (:mod:`dossier.targets`).
They are written into a staging folder that replaces the output folder only when complete
(:mod:`dossier.outdir`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier import statements_job
from dossier.outdir import check_place, staged_folder
from dossier.targets import WHICH, target_digests, write_targets
from dossier.workers import no_full_collections
from entities.case.case import Case
from entities.db.changes import open_case
from entities.db.database import CaseDatabase
from entities.db.evidence_files import Change, FileRegistry
from entities.exc import InvalidCase
from entities.progress import QUIET, Progress
from entities.settings import build_time
from evidence_maps.analysis import HeldBack
from evidence_maps.checks import Finding
from evidence_maps.submissions import submission_problems
from evidence_maps.view import CaseView
from exports.registry import Exporter, exporter, in_build

#: The side job that writes the outputs made of FollowTheMoney entities.
FTM_JOB = "FollowTheMoney entities"
#: The case overview PDF, written by every build beside the exporters' outputs.
OVERVIEW = Exporter("overview", "the case overview (PDF)", "dossiers/overview.pdf",
                    "dossier.pdf.writer:write_overview")


@dataclass
class BuildResult:
    """What a build wrote."""

    case: Case
    audience: str
    statements: int
    outputs: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    held_back: list[HeldBack] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: per-target outputs: written, kept (unchanged since the last build), removed
    targets: dict[str, int] = field(default_factory=dict)


@dataclass
class Prepared:
    """A validated case (as read), its view for one audience, and the evidence files
    storing it will register."""

    case: Case
    view: CaseView
    file_changes: list[Change]


def prepare(db: CaseDatabase, root: Path, audience: str = "public",
            include_drafts: bool | None = None, accept_changes: bool = False,
            progress: Progress = QUIET, lang: str = "en", change_reason: str = "",
            sightings: bool = True, case: Case | None = None) -> Prepared:
    """Validate the case and its evidence files and make its view for ``audience``,
    writing nothing: every check that can fail runs here, so that a build that fails
    changes nothing anywhere. ``sightings``: read when each statement was first seen
    (for the dataset's dates; a build's FollowTheMoney job reads them itself).
    ``case``: the case as already read by :func:`entities.db.changes.open_case` (else it is
    read here).

    Raises:
        InvalidCase: the case has mistakes, or an evidence file changed since it was
            registered (unless ``accept_changes`` with a ``change_reason``, which will
            record the new content as a working copy of the original).
        StoreError: the database cannot be read.
    """
    if case is None:
        progress.step("reading and checking the case")
        case = open_case(root)
    progress.step("checking the evidence files")
    files, changes = FileRegistry(db, case).check(accept_changes, change_reason)
    progress.step("grading attributions and applying identity judgements")
    view = CaseView.build(case, audience, include_drafts, db, files, lang)
    # when each statement was first seen: the dataset's first_seen, last_change and
    # version (a statement new in this build is seen now, and recorded by store())
    if sightings:
        view.seen = db.statements.first_seen(case.meta.id)
    view.now = build_time()
    problems = [*view.protected_names, *submission_problems(case)]
    if problems:
        raise InvalidCase(problems)
    return Prepared(case, view, changes)


def store(db: CaseDatabase, prepared: Prepared, spool: Path) -> int:
    """Register the new evidence files, record the statements first seen and make the
    case's statements those the build spooled (:mod:`dossier.statements_job`; only the
    entities that changed are rewritten), in one transaction; return the statements
    written."""
    case = prepared.view.case
    with db.transaction("store the case", write=True):
        registry = FileRegistry(db, case)
        registry.save(prepared.file_changes)
        registry.keep_originals()
        db.statements.remember_seen(case.meta.id, statements_job.sightings(spool))
        written, _ = db.statements.sync(
            case.meta.id, statements_job.digests(spool),
            lambda ids: statements_job.statement_rows(spool, ids))
        return written


def build_case(root: Path, out: Path, audience: str = "public",
               include_drafts: bool | None = None, lang: str = "en",
               progress: Progress = QUIET, accept_changes: bool = False,
               workers: int | None = None, replace: bool = False,
               base_url: str | None = None, change_reason: str = "") -> BuildResult:
    """Build every output of the case at ``root`` into ``out`` (on ``workers`` processes;
    default: one per core).

    The whole case is validated first; nothing is written when it has mistakes. The
    outputs are written to a staging folder that replaces ``out`` only when complete, so
    ``out`` always holds one whole build (see :mod:`dossier.outdir`); the case database
    is written (every record stored, new evidence files registered) only once every
    output is: a build that fails anywhere changes nothing. A folder that holds the
    outputs of another audience or case is refused unless ``replace``.
    The files in ``out`` hold only what ``audience`` may see: for the public and
    parliament only reviewed attributions with evidence, unless ``include_drafts``.
    Records judged the same person or organisation (``dossier dedupe``) appear as one
    canonical entity.

    Raises:
        InvalidCase: the case has mistakes (nothing written).
        StoreError, OutputError: the database or an output could not be written, or
            ``out`` holds outputs of another audience or case.
    """
    check_place(out, Path(root))
    with CaseDatabase.for_case(Path(root)) as db:
        spool = statements_job.spool_folder(Path(root))
        try:
            # what lives until the build ends is made without full collections (the
            # background job inherits that); the dossiers are written with them
            with no_full_collections():
                progress.step("reading and checking the case")
                case = open_case(root)
                # the database's statements are made from the case as read: in the
                # background, while the view is made
                with statements_job.spooling(case, spool, workers) as statements:
                    prepared = prepare(db, root, audience, include_drafts, accept_changes,
                                       progress, lang, change_reason, sightings=False,
                                       case=case)
                    # while the background job still runs: this process would wait
                    progress.step(WHICH)
                    digests = target_digests(prepared.view, lang)
                    # done before the workers start: its memory is back before theirs
                    # grows
                    progress.step(f"compiling {statements_job.JOB}")
                    statements()
            view = prepared.view
            view.publish_url = _publish_url(base_url)
            progress.step("linking the previous outputs")
            with staged_folder(out, view.case.meta.id, audience, replace) as staging:
                result = write_outputs(view, staging, lang, digests, progress, workers,
                                       (Path(root), spool))
                progress.step("storing the case")
                with no_full_collections():
                    result.statements = store(db, prepared, spool)
                progress.step("putting the new outputs in place")
        finally:
            shutil.rmtree(spool, ignore_errors=True)
    result.outputs = {name: out / path.relative_to(staging)
                      for name, path in result.outputs.items()}
    return result


def _publish_url(base_url: str | None) -> str | None:
    """The dataset folder's published address: ``base_url``, else ``DOSSIER_PUBLISH_URL``
    (``None``: the exporter's local default)."""
    from entities.settings import publish_url

    return base_url or publish_url()


def write_outputs(view: CaseView, out: Path, lang: str, digests: dict[str, str],
                  progress: Progress = QUIET, workers: int | None = None,
                  statements: tuple[Path, Path] | None = None) -> BuildResult:
    """Every output of ``view`` into the folder ``out``: the case-level outputs run as
    side jobs beside the per-target diagrams and dossiers. With ``statements`` (the
    case's folder and the build's spool folder), the outputs made of FollowTheMoney
    entities are written by one job, which spools the statements they show for the
    first time (:mod:`dossier.statements_job`). ``digests``: the targets' digests
    (:func:`dossier.targets.target_digests`)."""
    result = BuildResult(view.case, view.audience, 0, held_back=view.analysis.held_back,
                         findings=view.checks)
    for folder in (out / "dossiers", out / "maps"):
        folder.mkdir(parents=True, exist_ok=True)
    outputs = [*in_build(), OVERVIEW]
    grouped = [item for item in outputs if item.entities] if statements else []
    side: dict[str, Callable[[], Any]] = {}
    if statements:
        root, spool = statements
        side[FTM_JOB] = lambda: statements_job.write_entities(view, root, out, lang, spool,
                                                              grouped)

    def one(item: Exporter) -> Callable[[], Any]:
        return lambda: {item.name: item.write(view, out / item.path, lang)}

    side |= {item.name: one(item) for item in outputs if item not in grouped}
    result.targets, done = write_targets(view, out, lang, digests, progress, side, workers)
    counts = {name: count for value in done.values() for name, count in value.items()}
    for item in outputs:
        if item is OVERVIEW:
            continue
        result.outputs[item.name] = out / item.path
        result.counts[item.name] = int(counts[item.name])
        result.units[item.name] = item.unit
    result.outputs["pictures"] = out / "maps"
    result.counts["pictures"] = len(list((out / "maps").glob("*.*")))
    result.units["pictures"] = "pictures"
    result.outputs["dossiers"] = out / "dossiers"
    result.counts["dossiers"] = len(view.targets) + 1
    result.units["dossiers"] = "PDFs"
    return result


def export_case(root: Path, fmt: str, out: Path, audience: str = "public",
                include_drafts: bool | None = None, lang: str = "en",
                replace: bool = False, base_url: str | None = None) -> Path:
    """Write one output (any format of :mod:`exports.registry`) at ``out``: for an
    audience, from the same view a build makes; ``authoring-xlsx`` takes the whole case.
    A folder format is staged and swapped like a build's folder, and, like it, belongs
    to one case and audience (see :mod:`dossier.outdir`).

    Raises:
        KeyError: ``fmt`` is no format of the registry.
        OutputError: ``out`` cannot be written, or holds outputs of another audience.
    """
    item = exporter(fmt)
    check_place(out, Path(root))
    if not item.audience:
        view = CaseView.build(open_case(root), "government", include_drafts=True)
    else:
        with CaseDatabase.for_case(Path(root)) as db:
            view = prepare(db, root, audience, include_drafts, lang=lang).view
    view.publish_url = _publish_url(base_url)
    if item.folder:
        with staged_folder(out, view.case.meta.id, audience, replace) as staging:
            item.write(view, staging, lang)
    else:
        item.write(view, out, lang)
    return out
