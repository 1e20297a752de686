"""The app of ``dossier serve``: its routes, over thin handlers (:mod:`dossier.web.pages`)
that call the library; pages rendered on the server with Jinja2 (autoescaped), working
without JavaScript.

Starlette, not FastAPI or Flask: the app renders HTML forms and needs no JSON schema or
request models (FastAPI's value, built on Starlette anyway), and it is ASGI, so a build
runs on a thread while pages keep answering; Flask would need a WSGI server and its own
extensions for the same. Page titles never hold a name from the case, and URLs never do:
records and files are named in forms and by opaque keys.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from dossier.web.cache import CaseCache
from dossier.web.context import HERE, LANG_COOKIE, Served, default_outputs, posted, served_of
from dossier.web.jobs import Builds
from dossier.web.pages import case, decisions, files
from dossier.web.security import Guard, Sessions, login
from dossier.web.text import language


async def do_login(request: Request) -> Response:
    """``/login?token=…``: the one-time link."""
    return login(request, served_of(request).sessions)


async def set_language(request: Request) -> Response:
    """``/language/ru``: the interface's language, kept in a cookie."""
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(LANG_COOKIE, language(request.path_params["code"]),
                        samesite="strict", httponly=True, path="/")
    return response


ROUTES = [
    Route("/login", do_login),
    Route("/language/{code:str}", set_language),
    Route("/", case.overview),
    Route("/settings", case.settings_page, methods=["GET"]),
    Route("/settings", posted(case.settings_save), methods=["POST"]),
    Route("/records", case.records),
    Route("/record/{key:str}", case.record_page, methods=["GET"]),
    Route("/record/{key:str}", posted(case.save), methods=["POST"]),
    Route("/record/{key:str}/delete", posted(case.delete), methods=["POST"]),
    Route("/new/{section:str}", case.new_page, methods=["GET"]),
    Route("/new/{section:str}", posted(case.save), methods=["POST"]),
    Route("/matrix", case.matrix),
    Route("/submissions", case.submissions_page, methods=["GET"]),
    Route("/submissions", posted(case.submissions_save), methods=["POST"]),
    Route("/checks", case.checks),
    Route("/review", decisions.review, methods=["GET"]),
    Route("/review", posted(decisions.decide), methods=["POST"]),
    Route("/identity", decisions.identity, methods=["GET"]),
    Route("/identity/run", posted(decisions.identity_run), methods=["POST"]),
    Route("/identity/judge", posted(decisions.identity_judge), methods=["POST"]),
    Route("/screening", decisions.screening_page, methods=["GET"]),
    Route("/screening", posted(decisions.screening_decide), methods=["POST"]),
    Route("/screening/run", posted(decisions.screening_run), methods=["POST"]),
    Route("/audit", decisions.audit),
    Route("/upload", files.upload_page, methods=["GET"]),
    Route("/upload", posted(files.upload), methods=["POST"]),
    Route("/import", files.import_page, methods=["GET"]),
    Route("/import", posted(files.import_file), methods=["POST"]),
    Route("/export", posted(files.export_file), methods=["POST"]),
    Route("/build", files.build_page, methods=["GET"]),
    Route("/build", posted(files.build_start), methods=["POST"]),
    Route("/build/status", files.build_status),
    Route("/download/{key:str}", files.download),
    Route("/maps", files.maps),
    Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
]


def create_app(root: Path, user: str, sessions: Sessions, outputs_dir: Path | None = None
               ) -> Starlette:
    """The app for the case at ``root``, opened by ``sessions``' one-time token; builds go
    to ``outputs_dir`` (default: :func:`~dossier.web.context.default_outputs`)."""
    app = Starlette(routes=ROUTES, middleware=[Middleware(Guard, sessions=sessions)])
    app.state.served = Served(root, user, sessions,
                              Builds(root, outputs_dir or default_outputs(root)),
                              CaseCache(root))
    return app
