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
from typing import cast

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from dossier.web.cache import CaseCache
from dossier.web.context import (
    HERE,
    LANG_COOKIE,
    Endpoint,
    Posted,
    Served,
    default_outputs,
    needs,
    posted,
    served_of,
)
from dossier.web.jobs import Builds
from dossier.web.pages import case, decisions, files, team
from dossier.web.security import Guard, Sessions, login
from dossier.web.text import language


async def do_login(request: Request) -> Response:
    """``/login?token=…``: the one-time link; in a team, the sign-in form."""
    served = served_of(request)
    if served.sessions.team:
        return await team.sign_in_page(request)
    return login(request, served.sessions, served.user)


async def set_language(request: Request) -> Response:
    """``/language/ru``: the interface's language, kept in a cookie."""
    response = RedirectResponse("/", status_code=303)
    served_of(request).sessions.set_cookie(response, LANG_COOKIE,
                                           language(request.path_params["code"]))
    return response


def _route(path: str, capability: str, endpoint: Endpoint | Posted, post: bool = False
           ) -> Route:
    """A route for those whose role has ``capability`` (a POST behind the CSRF guard)."""
    if post:
        return Route(path, needs(capability, posted(cast(Posted, endpoint))),
                     methods=["POST"])
    return Route(path, needs(capability, cast(Endpoint, endpoint)), methods=["GET"])


#: every page, and what a role needs to reach it (entities.access): read (outputs, at the
#: role's audience), work (the case's records themselves), edit, review, build, admin
ROUTES = [
    Route("/login", do_login, methods=["GET"]),
    Route("/login", team.sign_in, methods=["POST"]),
    Route("/logout", team.sign_out, methods=["POST"]),
    _route("/language/{code:str}", "read", set_language),
    _route("/", "read", case.overview),
    _route("/matrix", "read", case.matrix),
    _route("/maps", "read", files.maps),
    _route("/build", "read", files.build_page),
    _route("/build/status", "read", files.build_status),
    _route("/download/{key:str}", "read", files.download),
    _route("/settings", "work", case.settings_page),
    _route("/records", "work", case.records),
    _route("/record/{key:str}", "work", case.record_page),
    _route("/new/{section:str}", "work", case.new_page),
    _route("/submissions", "work", case.submissions_page),
    _route("/checks", "work", case.checks),
    _route("/review", "work", decisions.review),
    _route("/identity", "work", decisions.identity),
    _route("/screening", "work", decisions.screening_page),
    _route("/audit", "work", decisions.audit),
    _route("/upload", "work", files.upload_page),
    _route("/import", "work", files.import_page),
    _route("/settings", "edit", case.settings_save, post=True),
    _route("/record/{key:str}", "edit", case.save, post=True),
    _route("/record/{key:str}/delete", "edit", case.delete, post=True),
    _route("/new/{section:str}", "edit", case.save, post=True),
    _route("/submissions", "edit", case.submissions_save, post=True),
    _route("/upload", "edit", files.upload, post=True),
    _route("/import", "edit", files.import_file, post=True),
    _route("/review", "review", decisions.decide, post=True),
    _route("/identity/run", "review", decisions.identity_run, post=True),
    _route("/identity/judge", "review", decisions.identity_judge, post=True),
    _route("/screening", "review", decisions.screening_decide, post=True),
    _route("/screening/run", "review", decisions.screening_run, post=True),
    _route("/build", "build", files.build_start, post=True),
    _route("/export", "build", files.export_file, post=True),
    _route("/password", "read", team.password_page),
    _route("/password", "read", team.password_save, post=True),
    _route("/accounts", "admin", team.accounts_page),
    _route("/accounts", "admin", team.accounts_save, post=True),
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
