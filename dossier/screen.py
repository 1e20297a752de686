"""``dossier screen``: screen a case's targets (or a file of FtM entities) against sanctions
lists, store the results in the case, and report the designation gaps."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy

from entities.case.case import Case
from entities.case.levels import visible
from entities.case.loader import load_case
from entities.db.screening import ScreeningRun, ScreeningStore, now
from entities.exc import InvalidInput, Problem
from entities.ftm.compile import compile_case
from entities.ftm.ids import make_id
from entities.screening.build import screenable
from entities.screening.cache import open_index
from entities.screening.listfile import ListReader
from entities.screening.match import query_entity, screen_entity
from entities.screening.model import DEFAULT_THRESHOLD, Match
from entities.screening.yente import YenteClient
from evidence_maps.analysis import analyse
from evidence_maps.designations import (
    DesignationReport,
    designation_gaps,
    jurisdiction_of_dataset,
)

#: Called with (unit: "bytes" or "items", label, total) when a step starts; returns a
#: context manager yielding a callback that takes the amount done.
ProgressFactory = Callable[[str, str, int], AbstractContextManager[Callable[[int], None]]]


@dataclass
class Target:
    """One entity to screen."""

    id: str
    name: str
    entity: EntityProxy
    sensitivity: str = "public"


@dataclass
class ListOutcome:
    """One list (or server) screened: what it was, how long it took, what matched."""

    run: ScreeningRun
    index_built: bool = False
    index_seconds: float = 0.0
    seconds: float = 0.0


@dataclass
class ScreenReport:
    targets: list[Target]
    lists: list[ListOutcome]
    threshold: float
    case: Case | None = None
    stored: bool = False
    skipped: list[Target] = field(default_factory=list)
    gaps: DesignationReport | None = None

    def for_audience(self, audience: str) -> ScreenReport:
        """The report without targets above ``audience``'s level (for printing)."""
        from dataclasses import replace

        keep = [t for t in self.targets if visible(t.sensitivity, audience)]
        ids = {t.id for t in keep}
        gaps = None
        if self.gaps is not None:
            gaps = replace(self.gaps, targets={k: v for k, v in self.gaps.targets.items()
                                               if k in ids})
        return replace(self, targets=keep, gaps=gaps,
                       skipped=[t for t in self.skipped if t.id in ids])

    def matches(self, target: str) -> list[Match]:
        out = [m for outcome in self.lists for m in outcome.run.matches.get(target, [])]
        return sorted(out, key=lambda m: (-m.score, m.id))

    def to_json(self) -> dict[str, Any]:
        results = []
        for target in self.targets:
            item: dict[str, Any] = {"target": target.id, "name": target.name,
                                    "matches": [m.to_json() for m in self.matches(target.id)]}
            if self.gaps is not None and target.id in self.gaps.targets:
                gap = self.gaps.targets[target.id]
                item["gaps"] = {j.code: {"status": j.status, "programs": j.programs}
                                for j in gap.jurisdictions}
            results.append(item)
        lists = [{"list": o.run.list_name, "sha256": o.run.list_sha256, "mode": o.run.mode,
                  "entries": o.run.entries, "jurisdictions": o.run.countries,
                  "screened_at": o.run.screened_at} for o in self.lists]
        out = {"threshold": self.threshold, "lists": lists, "results": results,
               "skipped": [t.id for t in self.skipped]}
        if self.gaps is not None:
            out["summary"] = self.gaps.summary()
        return out


_QUERY_PROPS = ("name", "alias", "previousName", "weakAlias", "birthDate", "nationality",
                "citizenship", "country", "jurisdiction", "gender", "idNumber",
                "passportNumber", "taxNumber", "innCode", "registrationNumber", "swiftBic",
                "ogrnCode", "leiCode", "wikidataId", "incorporationDate", "address")


def _query(entity: EntityProxy) -> EntityProxy:
    props = {p: list(entity.get(p)) for p in _QUERY_PROPS if p in entity.schema.properties}
    return query_entity(entity.schema.name, {k: v for k, v in props.items() if v})


def case_targets(case: Case) -> list[Target]:
    """The case's targets (actors with attributions, drafts included, or marked as targets)."""
    analysis = analyse(case, "government", include_drafts=True)
    entities = {str(e.id): e for e in compile_case(case)}
    out = []
    for target in analysis.targets:
        entity = entities.get(make_id(case.meta.id_prefix, target.kind, target.id))
        if entity is None:
            continue
        record = case.index[target.id]
        out.append(Target(target.id, target.name, _query(entity), case.sensitivity(record)))
    return out


def file_targets(path: Path) -> list[Target]:
    """People, organisations, vessels… in an FtM JSON-lines file (other schemata skipped)."""
    from followthemoney import ValueEntity

    out = []
    for _line, schema, data in ListReader(path):
        if not screenable(schema):
            continue
        entity = ValueEntity.from_dict(data)
        out.append(Target(str(entity.id), entity.caption, _query(entity)))
    if not out:
        raise InvalidInput([Problem(path.name, 0, "", "holds no person, organisation or "
                                    "other entity to screen")], f"the file {path.name}")
    return out


def _screen_local(targets: list[Target], path: Path, threshold: float,
                  progress: ProgressFactory) -> ListOutcome:
    if not path.is_file():
        raise InvalidInput([Problem(path.name, 0, "", "file not found")], "the list file")
    with progress("bytes", f"reading {path.name}", path.stat().st_size) as tick:
        opened = open_index(path, tick, lambda: tick)
    index = opened.index
    try:
        run = ScreeningRun(path.name, opened.sha256, "local", int(index.meta["records"]),
                           sorted(index.meta["sanction_countries"]), threshold, now(),
                           [t.id for t in targets])
        started = time.perf_counter()
        with progress("items", "screening", len(targets)) as tick:
            for done, target in enumerate(targets, start=1):
                run.matches[target.id] = screen_entity(index, target.entity, threshold)
                tick(done)
        return ListOutcome(run, opened.built, opened.seconds_building,
                           time.perf_counter() - started)
    finally:
        index.close()


def _screen_remote(targets: list[Target], client: YenteClient, threshold: float,
                   progress: ProgressFactory) -> ListOutcome:
    started = time.perf_counter()
    countries = sorted({c for c in (jurisdiction_of_dataset([d])
                                    for d in client.source_datasets()) if c})
    run = ScreeningRun(client.label, "", "yente", 0, countries, threshold, now(),
                       [t.id for t in targets])
    with progress("items", "asking yente", len(targets)) as tick:
        found = client.match({t.id: t.entity for t in targets}, threshold, tick)
    run.matches = dict(found)
    return ListOutcome(run, seconds=time.perf_counter() - started)


def _quiet(unit: str, label: str, total: int) -> Iterator[Callable[[int], None]]:
    yield lambda done: None


def screen(source: Path, against: list[Path], threshold: float = DEFAULT_THRESHOLD,
           yente: str | None = None, yente_dataset: str = "default",
           send_confidential: bool = False, progress: ProgressFactory | None = None,
           store: bool = True, client: YenteClient | None = None) -> ScreenReport:
    """Screen a case folder's targets, or the entities of an FtM file, against each list
    in ``against`` (and/or a yente server at ``yente``, or an already made ``client``); for
    a case, store the runs and analyse the gaps. Targets marked confidential are never sent
    to a server unless ``send_confidential``.

    Raises:
        InvalidInput / InvalidCase: the case, the targets file or a list file is broken.
        RemoteError: the yente server failed.
    """
    from contextlib import contextmanager

    progress = progress or contextmanager(_quiet)
    case = None
    if source.is_dir():
        case = load_case(source)
        targets = case_targets(case)
    else:
        if not source.is_file():
            raise InvalidInput([Problem(source.name, 0, "", "no such case folder or file")],
                               "the command")
        targets = file_targets(source)
    if not (0.0 < threshold <= 1.0):
        raise InvalidInput([Problem("--threshold", 0, "", "must be above 0 and at most 1")],
                           "the command")
    report = ScreenReport(targets, [], threshold, case)
    for path in against:
        report.lists.append(_screen_local(targets, path, threshold, progress))
    if yente or client is not None:
        sendable = [t for t in targets
                    if send_confidential or t.sensitivity != "confidential"]
        report.skipped = [t for t in targets if t not in sendable]
        key = os.environ.get("DOSSIER_YENTE_API_KEY") or None
        with client or YenteClient(str(yente), yente_dataset, api_key=key) as remote:
            report.lists.append(_screen_remote(sendable, remote, threshold, progress))
    if case is not None:
        results = ScreeningStore.for_case(case.root)
        try:
            if store:
                for outcome in report.lists:
                    results.save_run(case.meta.id, outcome.run)
                report.stored = store
            runs = results.runs(case.meta.id)
            decisions = results.decisions(case.meta.id)
        finally:
            results.close()
        report.gaps = designation_gaps([(t.id, t.name) for t in targets], runs, decisions)
    return report


def decide(root: Path, pairs: list[str], decision: str, user: str) -> list[tuple[str, str]]:
    """Record reviewer decisions ``TARGET=LISTED_ID`` on stored matches; return the pairs.

    Raises:
        InvalidInput: a pair is malformed, or names no stored match of the case.
    """
    case = load_case(root)
    results = ScreeningStore.for_case(case.root)
    try:
        stored = {(target, m.id) for run in results.runs(case.meta.id)
                  for target, matches in run.matches.items() for m in matches}
        parsed: list[tuple[str, str]] = []
        problems = []
        for pair in pairs:
            target, _, match_id = pair.partition("=")
            if not target or not match_id:
                problems.append(Problem(f"--{decision[:-2]}", 0, pair,
                                        "write it as TARGET=LISTED_ID, e.g. person-1=ofac-123"))
            elif (target, match_id) not in stored:
                problems.append(Problem(f"--{decision[:-2]}", 0, pair,
                                        "no stored screening match of this target has this "
                                        "id (see: dossier screen CASE --against LIST)"))
            else:
                parsed.append((target, match_id))
        if problems:
            raise InvalidInput(problems, "the command")
        for target, match_id in parsed:
            results.decide(case.meta.id, target, match_id, decision, user)
    finally:
        results.close()
    return parsed
