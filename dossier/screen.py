"""``dossier screen``: screen a case's targets (or a file of FtM entities) against sanctions
lists, store the results in the case, and report the designation gaps.

A case's targets and what is asked about them come from its case views: every target
of the government view (drafts included) is screened against local lists; a yente server
is asked only about what the parliament view holds (no confidential record's data leaves
the machine) unless ``--send-confidential``; and the report shows only the targets of the
view of the audience it is printed for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from followthemoney import EntityProxy, ValueEntity

from entities.case.case import Case
from entities.db.changes import open_case
from entities.db.database import CaseDatabase
from entities.db.screening import ScreeningRun, now
from entities.exc import InvalidInput, Problem
from entities.ftm.reader import FtmReader
from entities.progress import QUIET, Progress
from entities.screening.build import screenable
from entities.screening.cache import open_index
from entities.screening.match import query_entity, screen_entity
from entities.screening.memo import MEMO_FILE, ScoreMemo
from entities.screening.model import DEFAULT_THRESHOLD, Match
from entities.screening.yente import YenteClient
from entities.settings import STATE_DIR, yente_api_key
from evidence_maps.designations import DesignationReport, jurisdiction_of_dataset
from evidence_maps.view import CaseView


@dataclass
class Target:
    """One entity to screen."""

    id: str
    name: str
    entity: EntityProxy

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

    def for_view(self, view: CaseView) -> ScreenReport:
        """The report as ``view``'s audience may see it: only that view's targets, and its
        gap analysis."""
        ids = {t.id for t in view.targets}
        return replace(self, targets=[t for t in self.targets if t.id in ids],
                       gaps=view.screening, skipped=[t for t in self.skipped if t.id in ids])

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


def case_targets(view: CaseView) -> list[Target]:
    """The targets of ``view``, each with a query made from its entity in that view (the
    merged entity when identity judgements merged the record with others)."""
    out = []
    for target in view.targets:
        entity = view.entity_of(target.id)
        if entity is not None:
            out.append(Target(target.id, target.name, _query(entity)))
    return out


def file_targets(path: Path) -> list[Target]:
    """People, organisations, vessels… in an FtM JSON-lines file (other schemata skipped)."""
    out = []
    for _line, schema, data in FtmReader(path):
        if not screenable(schema):
            continue
        entity = ValueEntity.from_dict(data)
        out.append(Target(str(entity.id), entity.caption, _query(entity)))
    if not out:
        raise InvalidInput([Problem(path.name, 0, "", "holds no person, organisation or "
                                    "other entity to screen")], f"the file {path.name}")
    return out


def _screen_local(targets: list[Target], path: Path, threshold: float,
                  progress: Progress, memo: ScoreMemo | None = None) -> ListOutcome:
    if not path.is_file():
        raise InvalidInput([Problem(path.name, 0, "", "file not found")], "the list file")
    opened = open_index(path, progress)
    index = opened.index
    try:
        run = ScreeningRun(path.name, opened.sha256, "local", int(index.meta["records"]),
                           sorted(index.meta["sanction_countries"]), threshold, now(),
                           [t.id for t in targets],
                           list_date=str(index.meta.get("list_date", "")))
        started = time.perf_counter()
        progress.step(f"screening against {path.name}", len(targets))
        for done, target in enumerate(targets, start=1):
            run.matches[target.id] = screen_entity(index, target.entity, threshold, memo=memo)
            progress.update(done)
        return ListOutcome(run, opened.built, opened.seconds_building,
                           time.perf_counter() - started)
    finally:
        index.close()


def _screen_remote(targets: list[Target], client: YenteClient, threshold: float,
                   progress: Progress, exclude: dict[str, list[str]] | None = None
                   ) -> ListOutcome:
    started = time.perf_counter()
    countries = sorted({c for c in (jurisdiction_of_dataset([d])
                                    for d in client.source_datasets()) if c})
    run = ScreeningRun(client.label, "", "yente", 0, countries, threshold, now(),
                       [t.id for t in targets])
    progress.step("asking yente", len(targets))
    run.matches = dict(client.match({t.id: t.entity for t in targets}, threshold, progress,
                                    exclude))
    return ListOutcome(run, seconds=time.perf_counter() - started)


def screen(source: Path, against: list[Path], threshold: float = DEFAULT_THRESHOLD,
           yente: str | None = None, yente_dataset: str = "sanctions",
           send_confidential: bool = False, progress: Progress = QUIET,
           store: bool = True, client: YenteClient | None = None,
           audience: str = "government") -> ScreenReport:
    """Screen a case folder's targets, or the entities of an FtM file, against each list
    in ``against`` (and/or a yente server at ``yente``, or an already made ``client``); for
    a case, store the runs and analyse the gaps. The report holds what ``audience`` may
    see (every target is screened and stored). A server is never sent a confidential
    record's data unless ``send_confidential``.

    Raises:
        InvalidInput / InvalidCase: the case, the targets file or a list file is broken.
        RemoteError: the yente server failed.
    """
    if not (0.0 < threshold <= 1.0):
        raise InvalidInput([Problem("--threshold", 0, "", "must be above 0 and at most 1")],
                           "the command")
    if source.is_dir():
        return _screen_case(open_case(source), against, threshold, yente, yente_dataset,
                            send_confidential, progress, store, client, audience)
    if not source.is_file():
        raise InvalidInput([Problem(source.name, 0, "", "no such case folder or file")],
                           "the command")
    targets = file_targets(source)
    report = ScreenReport(targets, [], threshold)
    for path in against:
        report.lists.append(_screen_local(targets, path, threshold, progress))
    if yente or client is not None:
        with client or YenteClient(str(yente), yente_dataset, api_key=yente_api_key()) as remote:
            report.lists.append(_screen_remote(targets, remote, threshold, progress))
    return report


def _screen_case(case: Case, against: list[Path], threshold: float, yente: str | None,
                 yente_dataset: str, send_confidential: bool, progress: Progress,
                 store: bool, client: YenteClient | None, audience: str) -> ScreenReport:
    with CaseDatabase.for_case(case.root) as db:
        every = CaseView.build(case, "government", include_drafts=True, db=db)
        targets = case_targets(every)
        report = ScreenReport(targets, [], threshold, case)
        with ScoreMemo(case.root / STATE_DIR / MEMO_FILE) as memo:
            for path in against:
                report.lists.append(_screen_local(targets, path, threshold, progress, memo))
        if yente or client is not None:
            sendable = targets if send_confidential else case_targets(
                CaseView.build(case, "parliament", include_drafts=True, db=db))
            sent = {t.id for t in sendable}
            report.skipped = [t for t in targets if t.id not in sent]
            # a match a reviewer rejected is not asked for again (yente excludes it)
            rejected: dict[str, list[str]] = {}
            for (target, match_id), decision in db.screening.decisions(case.meta.id).items():
                if decision["decision"] == "rejected" and target in sent:
                    rejected.setdefault(target, []).append(match_id)
            with client or YenteClient(str(yente), yente_dataset,
                                       api_key=yente_api_key()) as remote:
                report.lists.append(_screen_remote(sendable, remote, threshold, progress,
                                                   rejected))
        if store:
            for outcome in report.lists:
                db.screening.save_run(case.meta.id, outcome.run)
            report.stored = True
        return report.for_view(CaseView.build(case, audience, db=db))


def decide(root: Path, pairs: list[str], decision: str, user: str) -> list[tuple[str, str]]:
    """Record reviewer decisions ``TARGET=LISTED_ID`` on stored matches; return the pairs.

    Raises:
        InvalidInput: a pair is malformed, or names no stored match of the case.
    """
    case = open_case(root)
    with CaseDatabase.for_case(case.root) as db:
        results = db.screening
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
    return parsed
