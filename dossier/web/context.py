"""What every page of the app shares: the served case (:class:`Served`, kept in the
app's state), rendering a page or an error in the reader's language, the POST guard
(:func:`posted`: CSRF and size first), one-time messages, and record keys for URLs."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from dossier.web.cache import CaseCache
from dossier.web.jobs import Builds
from dossier.web.security import COOKIE, CsrfError, Sessions, require_csrf
from dossier.web.text import Words, language
from entities.access import Grant
from entities.exc import DossierError, InvalidInput

HERE = Path(__file__).parent
AUDIENCES = ("public", "parliament", "government")
LANG_COOKIE = "dossier_lang"
Posted = Callable[[Request, FormData], Awaitable[Response]]


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


TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
TEMPLATES.env.filters["size"] = human_size


def grant_of(request: Request) -> Grant | None:
    """What the signed-in person may do (``None``: nobody is signed in)."""
    return served_of(request).sessions.grant(request.cookies.get(COOKIE))


def actor(request: Request) -> str:
    """Who makes the request's change: the signed-in account, or the local user."""
    grant = grant_of(request)
    return grant.user if grant is not None else served_of(request).user


def audience_of(request: Request) -> str:
    """The highest audience the signed-in person may see (alone: government)."""
    grant = grant_of(request)
    return grant.audience if grant is not None else "public"


def works_on_records(request: Request) -> bool:
    """Whether the person is of the case team (sees the records themselves), not a
    viewer of outputs."""
    grant = grant_of(request)
    return grant is not None and grant.may("work")


Endpoint = Callable[[Request], Awaitable[Response]]


def needs(capability: str, endpoint: Endpoint) -> Endpoint:
    """``endpoint`` for those whose role has ``capability`` (see :mod:`entities.access`);
    anyone else is refused by the server (403), whatever the page showed them."""
    async def guarded(request: Request) -> Response:
        grant = grant_of(request)
        if grant is None or not grant.may(capability):
            return failure(request, words_for(request)("not_allowed"), 403)
        return await endpoint(request)
    guarded.__name__ = getattr(endpoint, "__name__", "endpoint")
    guarded.needs = capability  # type: ignore[attr-defined]
    return guarded


def served_of(request: Request) -> Served:
    """The :class:`Served` of the app answering ``request``."""
    found: Served = request.app.state.served
    return found


def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    """The template ``name`` in the reader's language, with what every page needs (the
    words, the user, the session's CSRF token, vocabulary labels)."""
    from entities.case.vocab import label

    served = served_of(request)
    lang = language(request.cookies.get(LANG_COOKIE))
    return TEMPLATES.TemplateResponse(request, name, {
        "w": Words(lang), "lang": lang, "user": actor(request), "grant": grant_of(request),
        "team": served.sessions.team,
        "label": lambda vocab, key: label(vocab, key, lang),
        "csrf": served.sessions.csrf(request.cookies.get(COOKIE)), **context},
        status_code=status)


def failure(request: Request, message: str | DossierError, status: int = 400) -> Response:
    """An error page saying ``message``; for an error that lists problems (an invalid
    case or input), each of them, located."""
    problems = [str(p) for p in message.problems] if isinstance(message, InvalidInput) \
        else []
    return page(request, "error.html", status=status, message=str(message),
                problems=problems)


def posted(handler: Posted) -> Callable[[Request], Awaitable[Response]]:
    """A POST handler given the form once its CSRF token and origin are checked (403
    otherwise); a body larger than an upload may be is refused before it is read
    (413); the form (and any uploaded file's temporary copy) is closed after."""
    async def endpoint(request: Request) -> Response:
        from entities.intake.uploads import MAX_BYTES

        if int(request.headers.get("content-length") or 0) > MAX_BYTES + 64 * 1024:
            return failure(request, f"that is larger than {MAX_BYTES // (1024 * 1024)} "
                           "MB, the most accepted", 413)
        try:
            form = await require_csrf(request, served_of(request).sessions)
        except CsrfError as exc:
            return failure(request, str(exc), 403)
        try:
            return await handler(request, form)
        finally:
            await form.close()
    return endpoint


def words_for(request: Request) -> Words:
    """The app's words in the reader's language."""
    return Words(language(request.cookies.get(LANG_COOKIE)))


def flash(request: Request, message: str | None = None) -> str | None:
    """Keep ``message`` for the session's next page; without one, take the kept one."""
    served = served_of(request)
    session = request.cookies.get(COOKIE, "")
    if message is not None:
        served.flash[session] = message
        return None
    return served.flash.pop(session, None)
