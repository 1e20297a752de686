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
from dataclasses import dataclass
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
    served = Served(root, user, sessions, Builds(root, outputs_dir or default_outputs(root)))
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
        from entities.db.changes import open_case

        return open_case(served.root)

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
            findings = CaseView.build(case(), "government").checks
        except DossierError as exc:
            return failure(request, str(exc))
        return page(request, "checks.html", findings=findings)

    async def review(request: Request) -> Response:
        from evidence_maps.review import drafts

        try:
            waiting = drafts(case())
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
        Route("/review", review, methods=["GET"]),
        Route("/review", decide, methods=["POST"]),
        Route("/audit", audit),
        Route("/build", build_page, methods=["GET"]),
        Route("/build", build_start, methods=["POST"]),
        Route("/build/status", build_status),
        Route("/download/{key:str}", download),
        Route("/language/{code:str}", set_language),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(Guard, sessions=sessions)])
