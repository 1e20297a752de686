"""``dossier build``: validate, compile the store, write the outputs (orchestration only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dossier.pdf import write_overview_pdf, write_target_pdf
from entities import CaseStore, case_dataset, compile_case, load_case
from entities.case import Case
from entities.identity import canonical_entities, case_resolver, merged_referents
from entities.ids import make_id
from entities.levels import AUDIENCES, visible
from evidence_maps.analysis import analyse
from evidence_maps.checks import Finding, run_checks
from exports import write_entities
from exports.evidence_map import write_evidence_map
from exports.pictures import write_target_pictures


@dataclass
class BuildResult:
    """What a build wrote."""

    case: Case
    audience: str
    statements: int
    outputs: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    held_back: list[tuple[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def build_case(root: Path, out: Path, audience: str = "public",
               include_drafts: bool | None = None, lang: str = "en") -> BuildResult:
    """Build every output of the case at ``root`` into ``out``.

    The whole case is validated first; nothing is written when it has mistakes.
    The store receives every record (it stays inside the case folder); the files in
    ``out`` hold only what ``audience`` may see: for the public and parliament only
    reviewed attributions with evidence, unless ``include_drafts``. Records judged the
    same person or organisation (``dossier dedupe``) appear as one canonical entity.

    Raises:
        InvalidCase: the case has mistakes (nothing written).
        StoreError, OutputError: the database or an output could not be written.
    """
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    case = load_case(root)
    analysis = analyse(case, audience, include_drafts)
    findings = run_checks(case)
    internal = compile_case(case)
    held = frozenset(att for att, _ in analysis.held_back)
    shared = compile_case(case, audience, skip=held)
    store = CaseStore.for_case(case.root)
    try:
        statements = store.replace(case.meta.id, internal)
        with case_resolver(case.root) as resolver:
            own = {str(e.id) for e in internal}
            extra_ids = merged_referents(resolver, {str(e.id) for e in shared}) - own
            extra = store.statements_of(extra_ids) if extra_ids else []
            shared = canonical_entities(case_dataset(case), shared, resolver, extra)
    finally:
        store.close()
    result = BuildResult(case, audience, statements, held_back=analysis.held_back,
                         findings=findings)
    path = out / "entities.ftm.json"
    result.counts["entities"] = write_entities(path, shared)
    result.outputs["entities"] = path
    result.outputs["evidence map"] = write_evidence_map(out / "evidence_map.json", analysis)
    result.counts["evidence map"] = len(analysis.attributions)
    shown = {r.id for r in case.records() if visible(case.sensitivity(r), audience)}
    pictures = []
    for target in analysis.targets:
        stem = make_id(case.meta.id_prefix, "target", target.id)
        pictures += write_target_pictures(out / "maps", stem, case, target, shown)
    result.outputs["pictures"] = out / "maps"
    result.counts["pictures"] = len(pictures)
    dossiers = out / "dossiers"
    for target in analysis.targets:
        stem = make_id(case.meta.id_prefix, "target", target.id)
        write_target_pdf(dossiers / f"{stem}.pdf", case, analysis, target, audience, lang,
                         shown, out / "maps", stem)
    notes = [str(f) for f in findings if f.level != "info"]
    write_overview_pdf(dossiers / "overview.pdf", case, analysis, audience, lang, notes)
    result.outputs["dossiers"] = dossiers
    result.counts["dossiers"] = len(analysis.targets) + 1
    return result
