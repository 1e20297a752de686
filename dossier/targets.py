"""Per-target outputs (diagrams and dossier PDF): only what changed, on every core.

Each target's outputs depend on a known set of inputs: its own record, its attributions
as analysed (grades, findings), the incidents, evidence items and sources they cite, its
posts and tenures and their organisations, the victims' pseudonyms, its screening outcome,
the registered hashes of its files, the case header, the audience, the language and the
program's own code. Their SHA-256 is the target's *digest*, kept in ``OUT/.manifest.json``.
A rebuild regenerates a target only when its digest changed (or its files are missing),
and deletes the outputs of targets that are gone. The targets to regenerate are shared
among worker processes (:mod:`dossier.workers`), after the case-level outputs (``side``
jobs: workbook, dataset, overview…), which start first. The digests are worked out by the
build while it waits for its background job (:func:`target_digests`); which of them
changed, and the removal of stale outputs, while the workers write the side jobs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from dossier.pdf.writer import write_target_pdf
from dossier.workers import no_full_collections, run_jobs
from entities.case.model import Attribution, Evidence, Incident, Position, Relation, Tenure
from entities.files import atomic_file
from entities.progress import QUIET, Progress
from evidence_maps.analysis import TargetView
from evidence_maps.view import CaseView
from exports.pictures import target_pictures, write_target_pictures

MANIFEST = ".manifest.json"
#: The build step that writes the per-target outputs and the side jobs.
STEP = "dossiers, diagrams, workbook and dataset"
#: Working out the targets' digests (a build does it while it waits for the database's
#: statements).
WHICH = "finding the dossiers that changed"


@cache
def code_version() -> str:
    """A digest of the program's own source files (outputs change when the code does)."""
    digest = hashlib.sha256()
    for package in ("entities", "evidence_maps", "exports", "dossier"):
        root = Path(str(resources.files(package)))
        for path in sorted(root.rglob("*")):
            # the catalogue too: a mended translation must remake the outputs
            if path.suffix in (".py", ".yml", ".yaml", ".po", ".pot") and path.is_file():
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _dump(record: Any) -> str:
    if hasattr(record, "model_dump_json"):
        return str(record.model_dump_json())
    return repr(record)


class Digests:
    """The digest of everything each target's diagrams and dossier are made from. What
    every target shares — the program's code, the audience and language, the case's
    header, the registered files (what each is and the day printed for it), the withheld
    evidence's grades, the screening runs — is digested once, and each record once,
    however many targets name it."""

    def __init__(self, view: CaseView, lang: str):
        self.view = view
        common = [code_version(), view.audience, lang, _dump(view.case.meta)]
        # what a file is and the day printed for it, not the second a build registered it
        common += [f"{f}:{r.size}:{r.sha256}:{r.registered_at[:10]}"
                   for f, r in sorted(view.files.items())]
        common += [f"{k}={v}" for k, v in sorted(view.analysis.withheld.items())]
        if view.screening is not None:
            common += [f"{r.list_name}:{r.list_sha256}:{r.screened_at}"
                       for r in view.screening.runs]
        self.common = hashlib.sha256("\n".join(common).encode("utf-8")).hexdigest()
        self._records: dict[str, str] = {}

    def _record(self, local_id: str) -> str:
        found = self._records.get(local_id)
        if found is None:
            view = self.view
            found = f"{local_id}:{local_id in view.shown}:{_dump(view.case.index.get(local_id))}"
            if local_id in view.pseudonyms:
                found += f"={view.pseudonyms[local_id]}"
            self._records[local_id] = found
        return found

    def of(self, target: TargetView) -> str:
        """The digest of ``target``'s outputs."""
        view = self.view
        parts = [self.common, repr(target)]
        parts += [self._record(i) for i in sorted(records_of(view, target))]
        if view.screening is not None:
            parts.append(repr(view.screening.targets.get(target.id)))
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def records_of(view: CaseView, target: TargetView) -> set[str]:
    """The ids of every record a target's outputs are made from: its record, its
    attributions and what they cite (incidents, their victims and evidence, evidence
    items and their sources), its posts and the posts at it, its relations and
    subsidiaries, and the organisations of those posts."""
    case, index = view.case, view.case.index
    ids: set[str] = {target.id}
    for att in target.attributions:
        ids.update([att.incident, *att.evidence, *att.contrary])
        if att.id in index:
            ids.add(att.id)
    for item_id in list(ids):
        item = index.get(item_id)
        if isinstance(item, Evidence):
            ids.add(item.source)
        if isinstance(item, Incident):
            ids.update(item.victims)
            ids.update(item.evidence)
    # its posts; the posts at it
    for tenure in [*case.tenures_of.get(target.id, []), *case.tenures_at.get(target.id, [])]:
        ids.update([tenure.id, tenure.person, tenure.position, *tenure.evidence])
    for relation in case.relations_of.get(target.id, []):
        ids.update([relation.id, relation.subject, relation.organisation, *relation.evidence])
    for org in case.subsidiaries_of.get(target.id, []):
        ids.add(org.id)
    for item_id in list(ids):
        item = index.get(item_id)
        if isinstance(item, Position) and item.organisation:
            ids.add(item.organisation)
        if isinstance(item, Tenure | Attribution | Relation):
            ids.update(item.evidence)
    return ids


def target_digests(view: CaseView, lang: str) -> dict[str, str]:
    """Each target's file stem → the digest of its outputs (:class:`Digests`)."""
    digest = Digests(view, lang)
    return {view.target_stem(t.id): digest.of(t) for t in view.targets}


def _outputs_of(out: Path, stem: str) -> list[Path]:
    return [out / "dossiers" / f"{stem}.pdf",
            *[out / "maps" / f"{stem}-{kind}.svg" for kind in ("map", "timeline")]]


def write_target(view: CaseView, target: TargetView, out: Path, lang: str) -> int:
    """Write one target's pictures and dossier under ``out`` (the pictures laid out
    once for both); return the picture count."""
    pictures = target_pictures(view, target, lang)
    written = write_target_pictures(out / "maps", view, target, lang, pictures)
    write_target_pdf(out / "dossiers" / f"{view.target_stem(target.id)}.pdf", view, target,
                     lang, pictures)
    return len(written)


def write_targets(view: CaseView, out: Path, lang: str, digests: dict[str, str],
                  progress: Progress = QUIET,
                  side: dict[str, Callable[[], Any]] | None = None,
                  workers: int | None = None) -> tuple[dict[str, int], dict[str, Any]]:
    """Write what changed for every target, and run the ``side`` jobs alongside; return
    counts (``written``, ``kept``, ``removed``) and the side jobs' results by name.
    ``digests``: every target's (:func:`target_digests`). Side jobs run in a worker: they
    write files and return picklable values."""
    side = side or {}
    manifest_path = out / MANIFEST
    targets = {view.target_stem(t.id): t for t in view.targets}
    todo: list[str] = []
    removed = 0

    def changed() -> list[tuple[str, str]]:
        """The targets whose digest changed (their stale outputs removed), found while
        the side jobs run."""
        nonlocal removed
        try:
            old: dict[str, str] = json.loads(manifest_path.read_text("utf-8"))["targets"]
        except (OSError, ValueError, KeyError, TypeError):
            old = {}
        todo.extend(stem for stem in targets if old.get(stem) != digests[stem]
                    or not (out / "dossiers" / f"{stem}.pdf").is_file())
        for stem in set(old) - set(digests):
            for path in _outputs_of(out, stem):
                if path.exists():
                    path.unlink()
                    removed += 1
        for stem in todo:  # a regenerated target starts without its old pictures
            for path in _outputs_of(out, stem)[1:]:
                path.unlink(missing_ok=True)
        progress.step(STEP, len(todo))
        return [("target", stem) for stem in todo]

    def work(job: tuple[str, str]) -> Any:
        kind, key = job
        if kind == "side":  # a case-level job ends its worker: nothing piles up
            with no_full_collections():
                return side[key]()
        return write_target(view, targets[key], out, lang)

    results: dict[str, Any] = {}
    done = 0

    def finished(job: tuple[str, str], value: Any) -> None:
        nonlocal done
        if job[0] == "side":
            results[job[1]] = value
        else:
            done += 1
            progress.update(done)

    def describe(job: tuple[str, str]) -> str:
        kind, key = job
        if kind == "side":
            return f"the case's {key}"
        return f"the dossier of {targets[key].name} (dossiers/{key}.pdf)"

    # a case-level job leaves much memory in its worker: a fresh one takes its place
    run_jobs([("side", name) for name in side], work, finished, workers, describe,
             retire=lambda job: job[0] == "side", more=changed)
    # A new file, never a write through the hard link to the previous outputs.
    with atomic_file(manifest_path) as fh:
        fh.write(json.dumps({"audit_head": view.audit_head,
                             "targets": dict(sorted(digests.items()))}, indent=1).encode())
    counts = {"written": len(todo), "kept": len(digests) - len(todo), "removed": removed}
    return counts, results
