"""The routes of ``dossier serve``: thin handlers over the library, pages rendered on the
server with Jinja2 (autoescaped), working without JavaScript.

Starlette, not FastAPI or Flask: the app renders HTML forms and needs no JSON schema or
request models (FastAPI's value, built on Starlette anyway), and it is ASGI, so a build
runs on a thread while pages keep answering; Flask would need a WSGI server and its own
extensions for the same. Page titles never hold a name from the case, and URLs never do:
records and files are named in forms and by opaque keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from dossier.web import outputs
from dossier.web.cache import CaseCache
from dossier.web.jobs import Builds
from dossier.web.security import (
    COOKIE,
    CsrfError,
    Guard,
    Sessions,
    login,
    require_csrf,
)
from dossier.web.text import Words, language
from entities.exc import DossierError

HERE = Path(__file__).parent
AUDIENCES = ("public", "parliament", "government")
LANG_COOKIE = "dossier_lang"


@dataclass
class Served:
    """What one running app serves: the case folder, who works in it, where builds go."""

    root: Path
    user: str
    sessions: Sessions
    builds: Builds
    #: the loaded case, kept while its files are unchanged
    cache: CaseCache
    #: file texts by digest, as forms showed them (a conflict then shows the change)
    seen: dict[str, str] = field(default_factory=dict)
    #: session → the message to show on its next page (kept out of URLs)
    flash: dict[str, str] = field(default_factory=dict)
    #: the last identity resolution run from the app (``dossier.dedupe.CaseDedupe``)
    identity: Any = None

    def remember(self, path: Path) -> str:
        from entities.intake.records import digest

        key = digest(path)
        if path.is_file():
            if len(self.seen) > 64:
                self.seen.pop(next(iter(self.seen)))
            self.seen[key] = path.read_text("utf-8")
        return key


def record_links(case: Any) -> dict[str, str]:
    """Each hand-written record's form, by its id (imported ones are changed elsewhere)."""
    from entities.case.model import SECTIONS
    from entities.intake.importer import IMPORT_DIR

    return {r.id: f"/record/{record_key(name, r.id)}" for name in SECTIONS
            for r in case.section(name) if not r.defined_in.startswith(IMPORT_DIR + "/")}


def record_key(section: str, record_id: str) -> str:
    """A record's key in URLs (its id can say more than a URL should)."""
    return hashlib.sha256(f"{section}\0{record_id}".encode()).hexdigest()[:16]


def human_size(size: int) -> str:
    """``159 KB``, ``2.3 MB``: a file's size as a reader says it."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def default_outputs(root: Path) -> Path:
    """Where the app's builds go unless told: ``<case>-outputs`` beside the case folder
    (one folder per audience and language inside; never inside the case folder, where
    outputs would be taken for case material)."""
    resolved = root.resolve()
    return resolved.parent / f"{resolved.name}-outputs"


def create_app(root: Path, user: str, sessions: Sessions, outputs_dir: Path | None = None
               ) -> Starlette:
    """The app for the case at ``root``, opened by ``sessions``' one-time token."""
    served = Served(root, user, sessions, Builds(root, outputs_dir or default_outputs(root)),
                    CaseCache(root))
    cache = served.cache
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.filters["size"] = human_size

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        from entities.case.vocab import label

        lang = language(request.cookies.get(LANG_COOKIE))
        return templates.TemplateResponse(request, name, {
            "w": Words(lang), "lang": lang, "user": served.user,
            "label": lambda vocab, key: label(vocab, key, lang),
            "csrf": served.sessions.csrf(request.cookies.get(COOKIE)), **context},
            status_code=status)

    def failure(request: Request, message: str, status: int = 400) -> Response:
        return page(request, "error.html", status=status, message=message)

    def case() -> Any:
        return cache.case()

    async def overview(request: Request) -> Response:
        from dossier.show import primary_name

        try:
            loaded = case()
        except DossierError as exc:
            return failure(request, str(exc))
        attributed = {a.actor for a in loaded.attributions}
        targets = [primary_name(a) for a in [*loaded.people, *loaded.organisations]
                   if a.id in attributed or a.target]
        return page(request, "overview.html", case=loaded, counts=loaded.count(),
                    targets=targets)

    async def checks(request: Request) -> Response:
        from evidence_maps.view import CaseView

        try:
            findings = cache.derived("checks",
                                     lambda c: CaseView.build(c, "government").checks)
            links = cache.derived("record_links", record_links)
        except DossierError as exc:
            return failure(request, str(exc))
        return page(request, "checks.html", findings=findings, links=links)

    async def review(request: Request) -> Response:
        from evidence_maps.review import drafts

        try:
            waiting = cache.derived("drafts", drafts)
        except DossierError as exc:
            return failure(request, str(exc))
        return page(request, "review.html", drafts=waiting, done=request.query_params.get(
            "done"))

    async def decide(request: Request) -> Response:
        from entities.intake.edit import set_review

        try:
            form = await require_csrf(request, served.sessions)
        except CsrfError as exc:
            return failure(request, str(exc), 403)
        action = str(form.get("action", ""))
        attribution = str(form.get("attribution", ""))
        reason = str(form.get("reason", "")).strip() or None
        if action not in ("approve", "reject"):
            return failure(request, "unknown action")
        try:
            record = set_review(served.root, attribution, action, served.user,
                                dt.date.today().isoformat(), reason)
        except DossierError as exc:
            return failure(request, str(exc))
        words = Words(language(request.cookies.get(LANG_COOKIE)))
        return page(request, "done.html", message=words("reviewed", id=record.id,
                                                        status=record.status))

    async def audit(request: Request) -> Response:
        from entities.db.audit import read_log

        try:
            entries = list(reversed(read_log(served.root, limit=200)))
        except DossierError as exc:
            return failure(request, str(exc))
        return page(request, "audit.html", entries=entries)

    async def build_page(request: Request) -> Response:
        job = served.builds.job
        files = outputs.listing(job.out) if job is not None and job.state == "done" else []
        return page(request, "build.html", job=job, files=files, audiences=AUDIENCES)

    async def build_start(request: Request) -> Response:
        try:
            form = await require_csrf(request, served.sessions)
        except CsrfError as exc:
            return failure(request, str(exc), 403)
        audience = str(form.get("audience", "public"))
        lang = language(str(form.get("lang", "en")))
        if audience not in AUDIENCES:
            return failure(request, "unknown audience")
        if not served.builds.start(audience, lang, form.get("include_drafts") == "on"):
            words = Words(language(request.cookies.get(LANG_COOKIE)))
            return failure(request, words("build_busy"), 409)
        return RedirectResponse("/build", status_code=303)

    async def build_status(request: Request) -> Response:
        job = served.builds.job
        if job is None:
            return JSONResponse({"state": "none"})
        return JSONResponse({"state": job.state, "step": job.step, "done": job.done,
                             "total": job.total})

    async def download(request: Request) -> Response:
        folders = [served.builds.out_for(a, lang) for a in AUDIENCES
                   for lang in ("en", "ru")]
        found = outputs.find(folders, request.path_params["key"])
        if found is None:
            return failure(request, "no such file", 404)
        return FileResponse(found.path, filename=Path(found.name).name)

    def choices(lang: str) -> dict[str, list[tuple[str, str]]]:
        from entities.case import vocab

        return {name: [(code, f"{code} — {term.label(lang)}")
                       for code, term in vocab.terms(name).items()]
                for name in vocab.VOCABULARIES}

    async def records(request: Request) -> Response:
        from dossier.show import primary_name
        from entities.case.model import SECTIONS, Actor, Position
        from entities.intake.importer import IMPORT_DIR

        try:
            loaded = case()
        except DossierError as exc:
            return failure(request, str(exc))

        def caption(record: Any) -> str:
            if isinstance(record, Actor):
                return primary_name(record)
            if isinstance(record, Position):
                return record.title[0].name if record.title else ""
            return str(getattr(record, "title", "") or getattr(record, "locator", "") or "")

        sections = [(name, [{"id": r.id, "caption": caption(r), "key": record_key(name, r.id),
                             "imported": r.defined_in.startswith(IMPORT_DIR + "/")}
                            for r in loaded.section(name)]) for name in SECTIONS]
        return page(request, "records.html", sections=sections,
                    message=served.flash.pop(request.cookies.get(COOKIE, ""), None))

    def _find(key: str) -> tuple[str, Any] | None:
        from entities.case.model import SECTIONS

        loaded = case()
        for name in SECTIONS:
            for record in loaded.section(name):
                if record_key(name, record.id) == key:
                    return name, record
        return None

    def record_form(request: Request, section: str, record: Any, form: dict[str, str] | None,
                    seen: str, errors: dict[str, list[str]] | None = None,
                    general: list[str] | None = None, conflict: Any = None,
                    status: int = 200) -> Response:
        from entities.intake.records import form_fields

        fields = form_fields(section, record)
        if form is not None:
            fields = [type(f)(f.column, form.get(f.column.field, "")) for f in fields]
        lang = language(request.cookies.get(LANG_COOKIE))
        action = f"/record/{record_key(section, record.id)}" if record is not None else \
            f"/new/{section}"
        return page(request, "record.html", status=status, section=section,
                    record_id=record.id if record is not None else None, fields=fields,
                    seen=seen, errors=errors or {}, general=general or [],
                    conflict=conflict, choices=choices(lang), action=action)

    async def record_page(request: Request) -> Response:
        try:
            found = _find(request.path_params["key"])
        except DossierError as exc:
            return failure(request, str(exc))
        if found is None:
            return failure(request, "no such record", 404)
        section, record = found
        return record_form(request, section, record, None,
                           served.remember(served.root / record.defined_in))

    async def new_page(request: Request) -> Response:
        from entities.case.model import SECTIONS
        from entities.intake.records import new_record_file

        section = request.path_params["section"]
        if section not in SECTIONS:
            return failure(request, "unknown kind of record", 404)
        return record_form(request, section, None, None,
                           served.remember(new_record_file(served.root, section)))

    async def save(request: Request) -> Response:
        from entities.case.model import SECTIONS
        from entities.exc import InvalidCase
        from entities.intake.records import Conflict, field_of, form_fields, save_record

        try:
            form = await require_csrf(request, served.sessions)
        except CsrfError as exc:
            return failure(request, str(exc), 403)
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        if "key" in request.path_params:
            try:
                found = _find(request.path_params["key"])
            except DossierError as exc:
                return failure(request, str(exc))
            if found is None:
                return failure(request, "no such record", 404)
            section, record = found
            record_id: str | None = record.id
        else:
            section, record, record_id = request.path_params["section"], None, None
            if section not in SECTIONS:
                return failure(request, "unknown kind of record", 404)
        seen = values.get("seen", "")
        try:
            saved = save_record(served.root, section, record_id, values, seen, served.user,
                                served.seen.get(seen))
        except Conflict as exc:
            return record_form(request, section, record, values, seen, conflict={
                "message": str(exc), "diff": exc.diff}, status=409)
        except InvalidCase as exc:
            errors: dict[str, list[str]] = {}
            general = []
            names = {f.column.field for f in form_fields(section, None)}
            for problem in exc.problems:
                name = field_of(problem)
                if name in names:
                    errors.setdefault(name, []).append(problem.message)
                else:
                    general.append(str(problem))
            return record_form(request, section, record, values, seen, errors, general,
                               status=400)
        except DossierError as exc:
            return failure(request, str(exc))
        words = Words(language(request.cookies.get(LANG_COOKIE)))
        served.flash[request.cookies.get(COOKIE, "")] = words("saved", id=saved.id)
        return RedirectResponse("/records", status_code=303)  # no record id in the URL

    async def upload_page(request: Request) -> Response:
        from dossier.web.uploads import MAX_BYTES

        return page(request, "upload.html", max_mb=MAX_BYTES // (1024 * 1024))

    async def upload(request: Request) -> Response:
        from starlette.datastructures import UploadFile

        from dossier.web.uploads import MAX_BYTES, save_upload
        from entities.exc import InvalidInput

        length = int(request.headers.get("content-length") or 0)
        max_mb = MAX_BYTES // (1024 * 1024)
        if length > MAX_BYTES + 64 * 1024:  # refused before the body is read
            return page(request, "upload.html", status=413, max_mb=max_mb,
                        problems=[f"the file is larger than {max_mb} MB"])
        try:
            form = await require_csrf(request, served.sessions)
        except CsrfError as exc:
            return failure(request, str(exc), 403)
        sent = form.get("file")
        try:
            if not isinstance(sent, UploadFile):
                return page(request, "upload.html", status=400, max_mb=max_mb,
                            problems=["choose a file"])
            data = await sent.read(MAX_BYTES + 1)
            saved = save_upload(served.root, sent.filename or "", data, served.user)
        except InvalidInput as exc:
            return page(request, "upload.html", status=400, max_mb=max_mb,
                        problems=[str(p) for p in exc.problems])
        except DossierError as exc:
            return failure(request, str(exc))
        finally:
            await form.close()
        return page(request, "upload.html", uploaded=saved, max_mb=max_mb)

    async def import_page(request: Request) -> Response:
        return page(request, "import.html")

    async def import_file(request: Request) -> Response:
        import tempfile

        from starlette.datastructures import UploadFile

        from dossier.web.uploads import MAX_BYTES, clean_name
        from entities.exc import InvalidInput
        from entities.intake.ftm_import import import_ftm
        from entities.intake.importer import import_table

        if int(request.headers.get("content-length") or 0) > MAX_BYTES + 64 * 1024:
            return page(request, "import.html", status=413, problems=["the file is too large"])
        try:
            form = await require_csrf(request, served.sessions)
        except CsrfError as exc:
            return failure(request, str(exc), 403)
        words = Words(language(request.cookies.get(LANG_COOKIE)))
        try:
            sent = form.get("file")
            name = clean_name(sent.filename or "") if isinstance(sent, UploadFile) else ""
            suffix = Path(name).suffix.lower()
            if not isinstance(sent, UploadFile) or suffix not in (".xlsx", ".csv", ".json",
                                                                  ".jsonl"):
                return page(request, "import.html", status=400,
                            problems=["choose an .xlsx, .csv or FtM .json file"])
            data = await sent.read(MAX_BYTES + 1)
            check = form.get("action") != "import"
            with tempfile.TemporaryDirectory(prefix="dossier-import-") as tmp:
                path = Path(tmp) / name  # the import names what it writes after the file
                path.write_bytes(data)
                if suffix in (".json", ".jsonl"):
                    if check:
                        from entities.ftm.reader import FtmReader

                        read = sum(1 for _ in FtmReader(path).entities())
                        return page(request, "import.html", message=words(
                            "import_ftm_checked", file=name, entities=read))
                    done = import_ftm(served.root, path)
                    message = words("import_ftm_done", file=name, entities=done.entities,
                                    statements=done.statements)
                else:
                    report = import_table(served.root, path, dry_run=check, by=served.user)
                    message = words("import_checked" if check else "import_done", file=name,
                                    added=len(report.added), changed=len(report.changed),
                                    removed=len(report.removed))
        except InvalidInput as exc:
            return page(request, "import.html", status=400,
                        problems=[str(p) for p in exc.problems])
        except DossierError as exc:
            return failure(request, str(exc))
        finally:
            await form.close()
        return page(request, "import.html", message=message)

    def words_for(request: Request) -> Words:
        return Words(language(request.cookies.get(LANG_COOKIE)))

    def flash(request: Request, message: str | None = None) -> str | None:
        session = request.cookies.get(COOKIE, "")
        if message is not None:
            served.flash[session] = message
            return None
        return served.flash.pop(session, None)

    async def identity(request: Request) -> Response:
        from dossier.dedupe import comparison
        from entities.db.database import CaseDatabase
        from entities.db.judgements import Judgements

        found = served.identity
        pairs = None
        if found is not None:
            with CaseDatabase.for_case(served.root) as db:
                judged = Judgements(db)
                pairs = [(p, comparison(p, found.entities, found.labels))
                         for p in found.result.pairs
                         if p.decision == "review" and not judged.judged(p.left, p.right)]
        return page(request, "identity.html", pairs=pairs, message=flash(request))

    async def identity_run(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        from dossier.dedupe import dedupe_case

        try:
            await require_csrf(request, served.sessions)
        except CsrfError as exc:
            return failure(request, str(exc), 403)
        try:
            found = await run_in_threadpool(dedupe_case, served.root, None)
        except DossierError as exc:
            return failure(request, str(exc))
        served.identity = found
        flash(request, words_for(request)("identity_found", merges=found.recorded,
                                          reviews=found.result.stats.get("review", 0)))
        return RedirectResponse("/identity", status_code=303)

    async def identity_judge(request: Request) -> Response:
        from dossier.dedupe import record_judgement

        try:
            form = await require_csrf(request, served.sessions)
        except CsrfError as exc:
            return failure(request, str(exc), 403)
        left, right = str(form.get("left", "")), str(form.get("right", ""))
        verdict = str(form.get("verdict", ""))
        found = served.identity
        offered = found is not None and any(
            (p.left, p.right) == (left, right) and p.decision == "review"
            for p in found.result.pairs)
        if verdict not in ("same", "different", "unsure") or not offered:
            return failure(request, "that pair is not waiting for a judgement")
        record_judgement(served.root, left, right, verdict, served.user)
        words = words_for(request)
        flash(request, words("judged", verdict=words(verdict)))
        return RedirectResponse("/identity", status_code=303)

    async def screening_page(request: Request) -> Response:
        from dossier.show import primary_name
        from entities.db.database import CaseDatabase
        from entities.ftm.ids import record_id

        try:
            loaded = case()
            with CaseDatabase.for_case(served.root) as db:
                runs = db.screening.runs(loaded.meta.id)
                decisions = db.screening.decisions(loaded.meta.id)
        except DossierError as exc:
            return failure(request, str(exc))
        names: dict[str, str] = {}
        for actor in [*loaded.people, *loaded.organisations]:
            names[actor.id] = names[record_id(loaded.meta.id_prefix, actor.kind, actor.id)] = \
                primary_name(actor)
        return page(request, "screening.html", runs=runs, decisions=decisions, names=names,
                    message=flash(request))

    async def screening_decide(request: Request) -> Response:
        from dossier.screen import decide as decide_match
        from entities.exc import InvalidInput

        try:
            form = await require_csrf(request, served.sessions)
        except CsrfError as exc:
            return failure(request, str(exc), 403)
        decision = str(form.get("decision", ""))
        if decision not in ("confirmed", "rejected"):
            return failure(request, "unknown decision")
        try:
            decide_match(served.root, [str(form.get("pair", ""))], decision, served.user)
        except InvalidInput as exc:
            return failure(request, "; ".join(str(p) for p in exc.problems))
        except DossierError as exc:
            return failure(request, str(exc))
        flash(request, words_for(request)("judged", verdict=decision))
        return RedirectResponse("/screening", status_code=303)

    async def settings_page(request: Request) -> Response:
        from entities.intake.settings_form import SETTINGS, current

        try:
            values = current(case())
        except DossierError as exc:
            return failure(request, str(exc))
        return page(request, "settings.html", fields=SETTINGS, values=values, errors={},
                    general=[], seen=served.remember(served.root / "case.yml"),
                    message=flash(request))

    async def settings_save(request: Request) -> Response:
        from entities.exc import InvalidCase
        from entities.intake.records import Conflict
        from entities.intake.settings_form import SETTINGS, save_settings

        try:
            form = await require_csrf(request, served.sessions)
        except CsrfError as exc:
            return failure(request, str(exc), 403)
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        seen = values.get("seen", "")
        shown = {name: values.get(name, "") for name, _ in SETTINGS}
        try:
            save_settings(served.root, values, seen, served.user, served.seen.get(seen))
        except Conflict as exc:
            return page(request, "settings.html", status=409, fields=SETTINGS, values=shown,
                        errors={}, general=[], seen=seen,
                        conflict={"message": str(exc), "diff": exc.diff})
        except InvalidCase as exc:
            errors: dict[str, list[str]] = {}
            general: list[str] = []
            for problem in exc.problems:
                name = problem.field if problem.file == "case.yml" else ""
                if name in shown:
                    errors.setdefault(name, []).append(problem.message)
                else:
                    general.append(str(problem))
            return page(request, "settings.html", status=400, fields=SETTINGS, values=shown,
                        errors=errors, general=general, seen=seen)
        except DossierError as exc:
            return failure(request, str(exc))
        flash(request, words_for(request)("settings_saved"))
        return RedirectResponse("/settings", status_code=303)

    async def matrix(request: Request) -> Response:
        from evidence_maps.view import CaseView

        def build(loaded: Any) -> tuple[list[Any], list[tuple[str, Any]]]:
            analysis = CaseView.build(loaded, "government", include_drafts=True).analysis
            names = {t.id: t.name for t in analysis.targets}
            table = analysis.matrix()
            used = {i for cells in table.values() for i in cells}
            incidents = [i for i in loaded.incidents if i.id in used]
            return incidents, [(names.get(a, a), cells) for a, cells in table.items()]

        try:
            incidents, rows = cache.derived("matrix", build)
        except DossierError as exc:
            return failure(request, str(exc))
        from entities.i18n.messages import text

        lang = language(request.cookies.get(LANG_COOKIE))
        return page(request, "matrix.html", incidents=incidents, rows=rows,
                    grade=lambda level: text(f"em.grade_{level}", lang))

    async def set_language(request: Request) -> Response:
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(LANG_COOKIE, language(request.path_params["code"]),
                            samesite="strict", httponly=True, path="/")
        return response

    async def do_login(request: Request) -> Response:
        return login(request, served.sessions)

    routes = [
        Route("/login", do_login),
        Route("/", overview),
        Route("/checks", checks),
        Route("/matrix", matrix),
        Route("/records", records),
        Route("/settings", settings_page, methods=["GET"]),
        Route("/settings", settings_save, methods=["POST"]),
        Route("/record/{key:str}", record_page, methods=["GET"]),
        Route("/record/{key:str}", save, methods=["POST"]),
        Route("/new/{section:str}", new_page, methods=["GET"]),
        Route("/new/{section:str}", save, methods=["POST"]),
        Route("/review", review, methods=["GET"]),
        Route("/review", decide, methods=["POST"]),
        Route("/audit", audit),
        Route("/upload", upload_page, methods=["GET"]),
        Route("/upload", upload, methods=["POST"]),
        Route("/identity", identity, methods=["GET"]),
        Route("/identity/run", identity_run, methods=["POST"]),
        Route("/identity/judge", identity_judge, methods=["POST"]),
        Route("/screening", screening_page, methods=["GET"]),
        Route("/screening", screening_decide, methods=["POST"]),
        Route("/import", import_page, methods=["GET"]),
        Route("/import", import_file, methods=["POST"]),
        Route("/build", build_page, methods=["GET"]),
        Route("/build", build_start, methods=["POST"]),
        Route("/build/status", build_status),
        Route("/download/{key:str}", download),
        Route("/language/{code:str}", set_language),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(Guard, sessions=sessions)])
