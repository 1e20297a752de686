"""What keeps the local app the case team's own: one-time access, sessions, CSRF, Host.

- **Access**: ``dossier serve`` prints ``http://127.0.0.1:PORT/login?token=…`` with a
  random token that works once; opening it sets a session cookie (``HttpOnly``,
  ``SameSite=Strict``) and moves the browser to a URL without the token. Every other
  request needs that session (static files aside).
- **Host**: a request whose ``Host`` header is not the address the app listens on is
  refused (a DNS-rebinding page cannot reach it under its own name).
- **CSRF**: every form carries the session's CSRF token; a POST without it, or with an
  ``Origin`` other than the app's, is refused.
- **Headers**: a strict Content-Security-Policy (no inline script, nothing from elsewhere),
  no framing, no caching, and no referrer beyond the app itself (``same-origin``: with
  ``no-referrer`` browsers send ``Origin: null`` on the app's own forms, which the origin
  check must refuse).

:class:`Guard` is an ASGI middleware doing the first two and the headers;
:func:`require_csrf` is called by every POST handler.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from entities.access import LOCAL as LOCAL_ROLE
from entities.access import Grant

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "dossier_session"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()),
           (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"same-origin"), (b"cache-control", b"no-store")]
#: paths open without a session
OPEN = ("/login", "/static/")


@dataclass
class Session:
    """One signed-in browser: who, with what grant, its CSRF token, and its times."""

    grant: Grant
    csrf: str
    started: float
    seen: float


@dataclass
class Sessions:
    """The sessions of one running app (in memory: a restart of ``dossier serve`` forgets
    every session).

    Alone (``dossier serve``): the one-time access token opens one session, for the one
    user, who may do everything. In a team (``--team``): accounts sign in with their
    password (:mod:`entities.db.accounts`); a session ends after ``idle`` seconds unused
    or ``longest`` seconds in all, and at logout.
    """

    hosts: set[str]
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    used: bool = False
    team: bool = False
    idle: float = 30 * 60
    longest: float = 10 * 3600
    #: behind HTTPS (a proxy in front): cookies are sent over HTTPS only
    secure: bool = False
    #: session id → the session
    open: dict[str, Session] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic

    def login(self, token: str, user: str = "") -> str | None:
        """A new session id for the right, unused one-time token; else None (and never
        in a team, whose members sign in with a password)."""
        if self.team or self.used or not secrets.compare_digest(token, self.token):
            return None
        self.used = True
        return self.start(Grant(user, LOCAL_ROLE, "government"))

    def start(self, grant: Grant) -> str:
        """A new session for ``grant``."""
        session = secrets.token_urlsafe(32)
        now = self.clock()
        self.open[session] = Session(grant, secrets.token_urlsafe(32), now, now)
        return session

    def current(self, session: str | None) -> Session | None:
        """The live session of this id (its use noted), or None — unknown, idle too long,
        or older than the longest a session lasts (then it is closed)."""
        found = self.open.get(session or "")
        if found is None:
            return None
        now = self.clock()
        if self.team and (now - found.seen > self.idle or now - found.started > self.longest):
            del self.open[session or ""]
            return None
        found.seen = now
        return found

    def csrf(self, session: str | None) -> str | None:
        found = self.current(session)
        return found.csrf if found else None

    def grant(self, session: str | None) -> Grant | None:
        found = self.current(session)
        return found.grant if found else None

    def set_cookie(self, response: Response, name: str, value: str) -> None:
        """Set one of the app's cookies: HttpOnly, SameSite=Strict, Secure behind HTTPS."""
        response.set_cookie(name, value, httponly=True, samesite="strict", path="/",
                            secure=self.secure)

    def end(self, session: str | None) -> None:
        self.open.pop(session or "", None)

    def end_for(self, user: str, keep: str | None = None) -> None:
        """Close every session of ``user`` (a role taken away, an account removed, a new
        password) but ``keep``."""
        for key in [k for k, s in self.open.items() if s.grant.user == user and k != keep]:
            del self.open[key]


def allowed_hosts(host: str, port: int) -> set[str]:
    """The ``Host`` headers a browser sends for the app's own address."""
    names = {host}
    if host in ("127.0.0.1", "localhost"):
        names |= {"127.0.0.1", "localhost"}
    return names | {f"{name}:{port}" for name in names}


class Guard:
    """ASGI middleware: Host check, session check, security headers."""

    def __init__(self, app: ASGIApp, sessions: Sessions):
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        host = request.headers.get("host", "")
        if host not in self.sessions.hosts:
            await _with_headers(PlainTextResponse(
                "This address is not the one dossier serve listens on.", 400))(
                scope, receive, send)
            return
        path = scope.get("path", "")
        if not path.startswith(OPEN) and \
                self.sessions.csrf(request.cookies.get(COOKIE)) is None:
            if self.sessions.team:  # signed out, or the session ended: sign in again
                refused: Response = RedirectResponse("/login", status_code=303) \
                    if request.method == "GET" else PlainTextResponse(
                        "Your session has ended; sign in again.", 403)
            else:
                refused = PlainTextResponse(
                    "Open the access link that dossier serve printed (it works once; "
                    "restart dossier serve for a new one).", 403)
            await _with_headers(refused)(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _with_headers(response: Response) -> Response:
    for name, value in HEADERS:
        response.headers[name.decode()] = value.decode()
    return response


def login(request: Request, sessions: Sessions, user: str) -> Response:
    """``GET /login?token=…``: open a session, then go to the overview without the token."""
    session = sessions.login(request.query_params.get("token", ""), user)
    if session is None:
        return _with_headers(PlainTextResponse(
            "This access link is wrong or was used already; restart dossier serve for a "
            "new one.", 403))
    response = RedirectResponse("/", status_code=303)
    sessions.set_cookie(response, COOKIE, session)
    return response


class CsrfError(Exception):
    """A POST without the session's CSRF token, or from another origin."""


def same_origin(request: Request, sessions: Sessions) -> bool:
    """Whether the request comes from the app's own pages (no ``Origin``, or one of the
    app's own addresses)."""
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc in sessions.hosts


async def require_csrf(request: Request, sessions: Sessions) -> FormData:
    """The POST's form, once its CSRF token and origin are the session's own."""
    if not same_origin(request, sessions):
        raise CsrfError("another site sent this form")
    form = await request.form()
    expected = sessions.csrf(request.cookies.get(COOKIE))
    given = form.get("csrf")
    if expected is None or not isinstance(given, str) or \
            not secrets.compare_digest(given, expected):
        await form.close()  # an uploaded file's temporary copy goes too
        raise CsrfError("the form's security token is missing or wrong; reload the page")
    return form
