"""``dossier build`` and ``dossier export``: validate, compile the store, write the
outputs (orchestration only)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from followthemoney import StatementEntity
from followthemoney.export.graph import NXGraphExporter

from dossier.outdir import staged_folder
from dossier.pdf import write_overview_pdf
from dossier.targets import write_targets
from entities.case.case import Case
from entities.case.levels import AUDIENCES, visible
from entities.case.loader import load_case
from entities.db.evidence_files import FileRegistry, Registered
from entities.db.judgements import canonical_entities, case_resolver, merged_referents
from entities.db.screening import ScreeningStore
from entities.db.statements import CaseStore
from entities.files import atomic_file
from entities.ftm.compile import case_dataset, compile_case
from entities.ftm.ids import make_id
from evidence_maps.analysis import CaseAnalysis, analyse
from evidence_maps.checks import Finding, findings_for, run_checks
from evidence_maps.designations import DesignationReport, designation_gaps
from evidence_maps.pseudonyms import pseudonyms
from exports.designations import designation_entities
from exports.evidence_map import write_evidence_map
from exports.ftm_json import write_entities
from exports.opensanctions import write_dataset
from exports.proposals import proposal_entities
from exports.workbook import write_workbook as write_parliament_workbook

EXPORT_FORMATS = ("xlsx", "opensanctions", "gexf")


class Reporter(Protocol):
    """Where a build reports its steps (``dossier.progress.StepProgress`` in the CLI)."""

    def step(self, label: str) -> None:
        """A new step begins."""

    def count(self, done: int, total: int) -> None:
        """``done`` of ``total`` items of the current step."""


class Quiet:
    """A reporter that shows nothing."""

    def step(self, label: str) -> None:
        """Nothing to show."""

    def count(self, done: int, total: int) -> None:
        """Nothing to show."""


@dataclass
class Prepared:
    """A validated, analysed and compiled case, ready to be written for one audience."""

    case: Case
    audience: str
    analysis: CaseAnalysis
    findings: list[Finding]
    shared: list[StatementEntity]
    shown: set[str]
    statements: int = 0
    screening: DesignationReport | None = None
    files: dict[str, Registered] = field(default_factory=dict)
    pseudonyms: dict[str, str] = field(default_factory=dict)

    def target_stem(self, local_id: str) -> str:
        """The hashed file name of a target's outputs (never its name)."""
        return make_id(self.case.meta.id_prefix, "target", local_id)

    def visible_findings(self) -> list[Finding]:
        """Check findings about records this audience may see, naming no hidden record."""
        return findings_for(self.case, self.findings, self.audience)

    def case_withheld(self) -> dict[str, str]:
        """Placeholder labels of withheld evidence and their grades (same in every output)."""
        return self.analysis.withheld

    def target_ids(self) -> set[str]:
        """FtM ids of the targets, after identity resolution."""
        canonical = {str(ref): str(e.id) for e in self.shared for ref in e.referents}
        ids = set()
        for target in self.analysis.targets:
            entity_id = make_id(self.case.meta.id_prefix, target.kind, target.id)
            ids.add(canonical.get(entity_id, entity_id))
        return ids


def prepare(root: Path, audience: str = "public", include_drafts: bool | None = None,
            accept_changes: bool = False, report: Reporter | None = None) -> Prepared:
    """Validate the case and its evidence files, analyse, store and compile it for
    ``audience``.

    Raises:
        InvalidCase: the case has mistakes, or an evidence file changed since it was
            registered (unless ``accept_changes``, which records the new hash).
    """
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    report = report or Quiet()
    report.step("reading and checking the case")
    case = load_case(root)
    report.step("checking the evidence files")
    with FileRegistry(case) as registry:
        files = {f.path: f for f in registry.check_and_register(accept_changes)}
    report.step("grading attributions")
    analysis = analyse(case, audience, include_drafts)
    report.step("compiling FollowTheMoney entities")
    internal = compile_case(case)
    held = frozenset(att for att, _ in analysis.held_back)
    shared = compile_case(case, audience, skip=held)
    report.step("storing the case")
    store = CaseStore.for_case(case.root)
    try:
        statements = store.replace(case.meta.id, internal)
        report.step("applying identity judgements")
        with case_resolver(case.root) as resolver:
            own = {str(e.id) for e in internal}
            extra_ids = merged_referents(resolver, {str(e.id) for e in shared}) - own
            extra = store.statements_of(extra_ids) if extra_ids else []
            shared = canonical_entities(case_dataset(case), shared, resolver, extra)
    finally:
        store.close()
    shown = {r.id for r in case.records() if visible(case.sensitivity(r), audience)}
    return Prepared(case, audience, analysis, run_checks(case), shared, shown, statements,
                    load_designations(case, analysis), files, pseudonyms(case, audience))


def load_designations(case: Case, analysis: CaseAnalysis) -> DesignationReport:
    """The stored screening results of the case, as a gap analysis of its targets."""
    results = ScreeningStore.for_case(case.root)
    try:
        runs = results.runs(case.meta.id)
        decisions = results.decisions(case.meta.id)
    finally:
        results.close()
    return designation_gaps([(t.id, t.name) for t in analysis.targets], runs, decisions)


def write_opensanctions(prepared: Prepared, out: Path) -> int:
    """The OpenSanctions-compatible dataset directory; returns the entity count."""
    entities = [*prepared.shared, *proposal_entities(prepared.case, prepared.analysis),
                *designation_entities(prepared.case, prepared.analysis, prepared.screening)]
    index = write_dataset(out, prepared.case, entities, prepared.target_ids())
    return int(index["entity_count"])


def write_gexf(prepared: Prepared, path: Path) -> Path:
    """A GEXF graph for Gephi, through followthemoney's exporter."""
    buffer = io.StringIO()
    exporter = NXGraphExporter(buffer)
    for entity in sorted(prepared.shared, key=lambda e: str(e.id)):
        exporter.write(entity)
    exporter.finalize()
    date = prepared.case.meta.date or "2000-01-01"
    text = re.sub(r'lastmodifieddate="[^"]*"', f'lastmodifieddate="{date}"', buffer.getvalue())
    with atomic_file(path) as fh:
        fh.write(text.encode("utf-8"))
    return path


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
    #: per-target outputs: written, kept (unchanged since the last build), removed
    targets: dict[str, int] = field(default_factory=dict)


def build_case(root: Path, out: Path, audience: str = "public",
               include_drafts: bool | None = None, lang: str = "en",
               progress: Reporter | None = None,
               accept_changes: bool = False) -> BuildResult:
    """Build every output of the case at ``root`` into ``out``.

    The whole case is validated first; nothing is written when it has mistakes. The
    outputs are written to a staging folder that replaces ``out`` only when complete, so
    ``out`` always holds one whole build (see :mod:`entities.outdir`).
    The store receives every record (it stays inside the case folder); the files in
    ``out`` hold only what ``audience`` may see: for the public and parliament only
    reviewed attributions with evidence, unless ``include_drafts``. Records judged the
    same person or organisation (``dossier dedupe``) appear as one canonical entity.

    ``progress`` (optional) is told each step as it begins, and counts where a step
    has them (the per-target pictures and dossiers).

    Raises:
        InvalidCase: the case has mistakes (nothing written).
        StoreError, OutputError: the database or an output could not be written.
    """
    report = progress or Quiet()
    p = prepare(root, audience, include_drafts, accept_changes, report)
    report.step("linking the previous outputs")
    with staged_folder(out) as staging:
        result = _write_outputs(p, staging, lang, report)
        report.step("putting the new outputs in place")
    result.outputs = {name: out / path.relative_to(staging)
                      for name, path in result.outputs.items()}
    return result


def _write_outputs(p: Prepared, out: Path, lang: str, report: Reporter) -> BuildResult:
    case, analysis, audience = p.case, p.analysis, p.audience
    result = BuildResult(case, audience, p.statements, held_back=analysis.held_back,
                         findings=p.findings)

    def record(name: str, path: Path, count: int) -> None:
        result.outputs[name] = path
        result.counts[name] = count

    report.step("writing the entities and the evidence map")
    record("entities", out / "entities.ftm.json",
           write_entities(out / "entities.ftm.json", p.shared))
    record("evidence map", write_evidence_map(out / "evidence_map.json", analysis),
           len(analysis.attributions))
    dossiers = out / "dossiers"
    notes = [str(f) for f in p.visible_findings() if f.level != "info"]
    side = {
        "workbook": lambda: write_parliament_workbook(out / "workbook.xlsx", case, analysis,
                                                      audience, p.shown, p.screening),
        "opensanctions": lambda: write_opensanctions(p, out / "opensanctions"),
        "overview": lambda: write_overview_pdf(dossiers / "overview.pdf", case, analysis,
                                               audience, lang, notes, p.shown, p.screening),
    }
    for folder in (dossiers, out / "maps"):
        folder.mkdir(parents=True, exist_ok=True)
    report.step("dossiers, diagrams, workbook and dataset")
    report.count(0, len(analysis.targets))
    result.targets, done = write_targets(p, out, lang, report.count, side=side)
    record("pictures", out / "maps", len(list((out / "maps").glob("*.*"))))
    record("workbook", done["workbook"], 1)
    record("opensanctions", out / "opensanctions", done["opensanctions"])
    record("dossiers", dossiers, len(analysis.targets) + 1)
    return result


def export_case(root: Path, fmt: str, out: Path, audience: str = "public",
                include_drafts: bool | None = None) -> Path:
    """Write one output: ``xlsx`` (parliamentary workbook), ``opensanctions`` (a dataset
    directory) or ``gexf`` (graph)."""
    p = prepare(root, audience, include_drafts)
    if fmt == "xlsx":
        return write_parliament_workbook(out, p.case, p.analysis, audience, p.shown,
                                         p.screening)
    if fmt == "opensanctions":
        write_opensanctions(p, out)
        return out
    if fmt == "gexf":
        return write_gexf(p, out)
    raise ValueError(f"unknown format {fmt!r}")
