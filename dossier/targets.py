"""Per-target outputs (diagrams and dossier PDF): only what changed, on every core.

Each target's outputs depend on a known set of inputs: its own record, its attributions
as analysed (grades, findings), the incidents, evidence items and sources they cite, its
posts and tenures and their organisations, the victims' pseudonyms, its screening outcome,
the registered hashes of its files, the case header, the audience, the language and the
program's own code. Their SHA-256 is the target's *digest*, kept in ``OUT/.manifest.json``.
A rebuild regenerates a target only when its digest changed (or its files are missing),
and deletes the outputs of targets that are gone. The targets to regenerate are shared
among worker processes (fork), one per core, together with the case-level outputs that
do not depend on them (workbook, dataset, overview: ``side`` jobs), which start first.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier.pdf import write_target_pdf
from entities.case.model import Attribution, Evidence, Incident, Position, Tenure
from entities.files import atomic_file
from evidence_maps.analysis import TargetView
from exports.pictures import write_target_pictures

if TYPE_CHECKING:
    from dossier.build import Prepared

MANIFEST = ".manifest.json"
#: Fewer jobs (targets to regenerate and side jobs) than this run in the main process.
POOL_FROM = 2
_JOB: dict[str, Any] = {}


@cache
def code_version() -> str:
    """A digest of the program's own source files (outputs change when the code does)."""
    digest = hashlib.sha256()
    for package in ("entities", "evidence_maps", "exports", "dossier"):
        root = Path(str(resources.files(package)))
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".yml", ".yaml") and path.is_file():
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _dump(record: Any) -> str:
    if hasattr(record, "model_dump_json"):
        return str(record.model_dump_json())
    return repr(record)


def target_digest(p: Prepared, target: TargetView, lang: str) -> str:
    """The digest of everything the target's diagrams and dossier are made from."""
    case, index = p.case, p.case.index
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
    for tenure in case.tenures:
        if tenure.person == target.id:
            ids.update([tenure.id, tenure.position, *tenure.evidence])
    for item_id in list(ids):
        item = index.get(item_id)
        if isinstance(item, Position) and item.organisation:
            ids.add(item.organisation)
        if isinstance(item, Tenure | Attribution):
            ids.update(item.evidence)
    parts = [code_version(), p.audience, lang, _dump(case.meta), repr(target)]
    parts += [f"{i}:{i in p.shown}:{_dump(index.get(i))}" for i in sorted(ids)]
    parts += [f"{i}={p.pseudonyms[i]}" for i in sorted(ids) if i in p.pseudonyms]
    parts += [repr(p.files[f]) for f in sorted(p.files)]
    parts += [f"{k}={v}" for k, v in sorted(p.case_withheld().items())]
    if p.screening is not None:
        parts.append(repr(p.screening.targets.get(target.id)))
        parts += [f"{r.list_name}:{r.list_sha256}:{r.screened_at}" for r in p.screening.runs]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _work(job: tuple[str, Any]) -> tuple[str, Any, Any]:
    """Do one job (in a worker or the main process): ``("target", number)`` or
    ``("side", name)``; return ``(kind, key, result)``."""
    kind, key = job
    if kind == "side":
        return kind, key, _JOB["side"][key]()
    return kind, key, _render(key)


def _render(number: int) -> tuple[str, int]:
    """Write one target's pictures and dossier."""
    p: Prepared = _JOB["prepared"]
    out: Path = _JOB["out"]
    target = p.analysis.targets[number]
    stem = p.target_stem(target.id)
    pictures = write_target_pictures(out / "maps", stem, p.case, target, p.shown)
    write_target_pdf(out / "dossiers" / f"{stem}.pdf", p.case, p.analysis, target,
                     p.audience, _JOB["lang"], p.shown, out / "maps", stem, p.screening,
                     p.files, p.pseudonyms)
    return stem, len(pictures)


def _outputs_of(out: Path, stem: str) -> list[Path]:
    return [out / "dossiers" / f"{stem}.pdf",
            *[out / "maps" / f"{stem}-{kind}.{ext}" for kind in ("map", "timeline")
              for ext in ("svg", "png")]]


def write_targets(p: Prepared, out: Path, lang: str,
                  progress: Callable[[int, int], None] | None = None,
                  workers: int | None = None,
                  side: dict[str, Callable[[], Any]] | None = None,
                  ) -> tuple[dict[str, int], dict[str, Any]]:
    """Write what changed for every target, and run the ``side`` jobs alongside; return
    counts (``written``, ``kept``, ``removed``) and the side jobs' results by name.
    Side jobs run in a forked worker: they write files and return picklable values."""
    manifest_path = out / MANIFEST
    try:
        old: dict[str, str] = json.loads(manifest_path.read_text("utf-8"))["targets"]
    except (OSError, ValueError, KeyError, TypeError):
        old = {}
    digests = {p.target_stem(t.id): target_digest(p, t, lang) for t in p.analysis.targets}
    todo = [n for n, t in enumerate(p.analysis.targets)
            if old.get(p.target_stem(t.id)) != digests[p.target_stem(t.id)]
            or not (out / "dossiers" / f"{p.target_stem(t.id)}.pdf").is_file()]
    removed = 0
    for stem in set(old) - set(digests):
        for path in _outputs_of(out, stem):
            if path.exists():
                path.unlink()
                removed += 1
    for number in todo:  # a regenerated target starts without its old pictures
        for path in _outputs_of(out, p.target_stem(p.analysis.targets[number].id))[1:]:
            path.unlink(missing_ok=True)
    _JOB.update(prepared=p, out=out, lang=lang, side=side or {})
    jobs: list[tuple[str, Any]] = [("side", name) for name in side or {}]
    jobs += [("target", number) for number in todo]
    try:
        results = _run(jobs, len(todo), progress, workers)
    finally:
        _JOB.clear()
    # A new file, never a write through the hard link to the previous outputs.
    with atomic_file(manifest_path) as fh:
        fh.write(json.dumps({"targets": dict(sorted(digests.items()))}, indent=1).encode())
    counts = {"written": len(todo), "kept": len(digests) - len(todo), "removed": removed}
    return counts, results


def _run(jobs: list[tuple[str, Any]], targets: int,
         progress: Callable[[int, int], None] | None, workers: int | None) -> dict[str, Any]:
    count = workers if workers is not None else min(os.cpu_count() or 1, 8)
    side: dict[str, Any] = {}
    done = 0
    finished: Iterable[tuple[str, Any, Any]]
    if len(jobs) < POOL_FROM or count <= 1 or os.name != "posix":
        finished = (_work(job) for job in jobs)
        pool = None
    else:
        pool = get_context("fork").Pool(count)
        finished = pool.imap_unordered(_work, jobs)
    try:
        for kind, key, value in finished:
            if kind == "side":
                side[key] = value
                continue
            done += 1
            if progress is not None:
                progress(done, targets)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return side
