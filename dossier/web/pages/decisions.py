"""Pages of the team's decisions: the review queue, identity review, screening
review, and the audit log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dossier.web.context import (
    actor,
    failure,
    flash,
    page,
    served_of,
    words_for,
)
from entities.exc import DossierError


async def review(request: Request) -> Response:
    from evidence_maps.review import drafts

    served = served_of(request)
    try:
        waiting = served.cache.derived("drafts", drafts)
        decided = served.cache.derived("decided", lambda c: [
            a for a in c.attributions if a.status in ("reviewed", "rejected")])
    except DossierError as exc:
        return failure(request, exc)
    return page(request, "review.html", drafts=waiting, decided=decided,
                done=request.query_params.get("done"))


async def decide(request: Request, form: FormData) -> Response:
    from entities.intake.edit import set_review

    served = served_of(request)
    action = str(form.get("action", ""))
    attribution = str(form.get("attribution", ""))
    reason = str(form.get("reason", "")).strip() or None
    if action not in ("approve", "reject", "reopen"):
        return failure(request, "unknown action")
    try:
        record = set_review(served.root, attribution, action, actor(request),
                            dt.date.today().isoformat(), reason,
                            four_eyes=served.sessions.team)  # a team: always four eyes
    except DossierError as exc:
        return failure(request, exc)
    words = words_for(request)
    return page(request, "done.html", message=words("reviewed", id=record.id,
                                                    status=record.status))


async def audit(request: Request) -> Response:
    from entities.db.audit import read_log

    served = served_of(request)
    try:
        entries = list(reversed(read_log(served.root, limit=200)))
    except DossierError as exc:
        return failure(request, exc)
    return page(request, "audit.html", entries=entries)


async def identity(request: Request) -> Response:
    from dossier.dedupe import comparison
    from entities.db.database import CaseDatabase
    from entities.db.judgements import Judgements

    served = served_of(request)
    found = served.identity
    pairs = None
    if found is not None:
        with CaseDatabase.for_case(served.root) as db:
            judged = Judgements(db)
            pairs = [(p, comparison(p, found.entities, found.labels))
                     for p in found.result.pairs
                     if p.decision == "review" and not judged.judged(p.left, p.right)]
    return page(request, "identity.html", pairs=pairs, message=flash(request))


async def identity_run(request: Request, form: FormData) -> Response:
    from starlette.concurrency import run_in_threadpool

    served = served_of(request)
    from dossier.dedupe import dedupe_case

    try:
        found = await run_in_threadpool(dedupe_case, served.root, None)
    except DossierError as exc:
        return failure(request, exc)
    served.identity = found
    flash(request, words_for(request)("identity_found", merges=found.recorded,
                                      reviews=found.result.stats.get("review", 0)))
    return RedirectResponse("/identity", status_code=303)


async def identity_judge(request: Request, form: FormData) -> Response:
    from dossier.dedupe import record_judgement

    served = served_of(request)
    left, right = str(form.get("left", "")), str(form.get("right", ""))
    verdict = str(form.get("verdict", ""))
    found = served.identity
    offered = found is not None and any(
        (p.left, p.right) == (left, right) and p.decision == "review"
        for p in found.result.pairs)
    if verdict not in ("same", "different", "unsure") or not offered:
        return failure(request, "that pair is not waiting for a judgement")
    record_judgement(served.root, left, right, verdict, actor(request))
    words = words_for(request)
    flash(request, words("judged", verdict=words(verdict)))
    return RedirectResponse("/identity", status_code=303)


async def screening_page(request: Request) -> Response:
    from dossier.show import primary_name
    from entities.db.database import CaseDatabase
    from entities.ftm.ids import record_id

    served = served_of(request)
    try:
        loaded = served.cache.case()
        with CaseDatabase.for_case(served.root) as db:
            runs = db.screening.runs(loaded.meta.id)
            decisions = db.screening.decisions(loaded.meta.id)
    except DossierError as exc:
        return failure(request, exc)
    names: dict[str, str] = {}
    for someone in [*loaded.people, *loaded.organisations]:
        names[someone.id] = names[record_id(loaded.meta.id_prefix, someone.kind,
                                            someone.id)] = primary_name(someone)
    from entities.intake.uploads import MAX_BYTES

    return page(request, "screening.html", runs=runs, decisions=decisions, names=names,
                message=flash(request), max_mb=MAX_BYTES // (1024 * 1024))


async def screening_run(request: Request, form: FormData) -> Response:
    """Screen every target against an uploaded list (in a worker thread), store the runs."""
    import tempfile

    from starlette.concurrency import run_in_threadpool
    from starlette.datastructures import UploadFile

    from dossier.screen import screen
    from entities.exc import InvalidInput
    from entities.intake.uploads import MAX_BYTES, clean_name

    served = served_of(request)
    sent = form.get("file")
    name = clean_name(sent.filename or "") if isinstance(sent, UploadFile) else ""
    if not isinstance(sent, UploadFile) or Path(name).suffix.lower() not in (".json",
                                                                             ".jsonl"):
        return failure(request, "choose a list of FtM entities (.json)")
    data = await sent.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return failure(request, f"the list is larger than {MAX_BYTES // (1024 * 1024)} MB", 413)
    try:
        with tempfile.TemporaryDirectory(prefix="dossier-list-") as tmp:
            path = Path(tmp) / name  # the list's name is what the results name it by
            path.write_bytes(data)
            report = await run_in_threadpool(screen, served.root, [path])
    except InvalidInput as exc:
        return failure(request, "; ".join(str(p) for p in exc.problems))
    except DossierError as exc:
        return failure(request, exc)
    matches = sum(len(m) for run in report.lists for m in run.run.matches.values())
    flash(request, words_for(request)("screened", targets=len(report.targets), list=name,
                                      matches=matches, threshold=f"{report.threshold:.2f}"))
    return RedirectResponse("/screening", status_code=303)


async def screening_decide(request: Request, form: FormData) -> Response:
    from dossier.screen import decide as decide_match
    from entities.exc import InvalidInput

    served = served_of(request)
    decision = str(form.get("decision", ""))
    if decision not in ("confirmed", "rejected"):
        return failure(request, "unknown decision")
    try:
        decide_match(served.root, [str(form.get("pair", ""))], decision, actor(request))
    except InvalidInput as exc:
        return failure(request, "; ".join(str(p) for p in exc.problems))
    except DossierError as exc:
        return failure(request, exc)
    flash(request, words_for(request)("judged", verdict=decision))
    return RedirectResponse("/screening", status_code=303)
