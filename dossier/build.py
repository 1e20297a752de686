"""``dossier build``: validate, compile the store, write the outputs (orchestration only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from entities import CaseStore, case_dataset, compile_case, load_case
from entities.case import Case
from entities.identity import canonical_entities, case_resolver, merged_referents
from entities.levels import AUDIENCES
from exports import write_entities


@dataclass
class BuildResult:
    """What a build wrote."""

    case: Case
    audience: str
    statements: int
    outputs: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def build_case(root: Path, out: Path, audience: str = "public") -> BuildResult:
    """Build every output of the case at ``root`` into ``out``.

    The whole case is validated first; nothing is written when it has mistakes.
    The store receives every record (it stays inside the case folder); the files in
    ``out`` hold only what ``audience`` may see. Records judged the same person or
    organisation (``dossier dedupe``) appear as one canonical entity.

    Raises:
        InvalidCase: the case has mistakes (nothing written).
        StoreError, OutputError: the database or an output could not be written.
    """
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    case = load_case(root)
    internal = compile_case(case)
    shared = compile_case(case, audience)
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
    result = BuildResult(case, audience, statements)
    path = out / "entities.ftm.json"
    result.counts["entities"] = write_entities(path, shared)
    result.outputs["entities"] = path
    return result
