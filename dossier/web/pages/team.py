"""Pages of a team (``dossier serve --team``): signing in and out, and the accounts and
roles of the case (for an admin). Accounts live in the case database
(:mod:`entities.db.accounts`); sessions in the running app
(:class:`dossier.web.security.Sessions`)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dossier.web.context import actor, failure, flash, page, served_of, words_for
from dossier.web.security import COOKIE, same_origin
from entities.access import AUDIENCES, ROLES
from entities.exc import DossierError

if TYPE_CHECKING:
    from entities.db.accounts import AccountStore

#: the cookie holding the sign-in form's token (no session exists yet to hold it)
SIGN_IN_COOKIE = "dossier_signin"


def _case_id(request: Request) -> str:
    return str(served_of(request).cache.case().meta.id)


def _store(request: Request) -> AccountStore:
    from entities.db.accounts import AccountStore
    from entities.db.database import CaseDatabase

    return AccountStore(CaseDatabase.for_case(served_of(request).root))


async def sign_in_page(request: Request, status: int = 200, failed: bool = False
                       ) -> Response:
    """The sign-in form, with a token in a cookie of its own (SameSite=Strict): the
    browser's, if it has one (any other request the browser makes meanwhile — its icon —
    is sent here too, and must not replace the token of the form on screen)."""
    kept = request.cookies.get(SIGN_IN_COOKIE, "")
    token = kept if len(kept) >= 40 and kept.isascii() else secrets.token_urlsafe(32)
    response = page(request, "signin.html", status=status, signin=token, failed=failed)
    served_of(request).sessions.set_cookie(response, SIGN_IN_COOKIE, token)
    return response


async def sign_in(request: Request) -> Response:
    """``POST /login``: a session for the right name and password. Whatever went wrong —
    an unknown name, a wrong password, a locked account, no role in this case — the
    answer is the same."""
    served = served_of(request)
    if not served.sessions.team:
        return failure(request, "this app opens with its access link", 403)
    if int(request.headers.get("content-length") or 0) > 16 * 1024:
        return failure(request, "that is not a sign-in form", 413)
    try:
        case_id = _case_id(request)
    except DossierError as exc:
        return failure(request, exc)
    form = await request.form()
    try:
        given = form.get("signin")
        expected = request.cookies.get(SIGN_IN_COOKIE, "")
        if not same_origin(request, served.sessions) or not isinstance(given, str) or \
                not expected or not secrets.compare_digest(given, expected):
            return failure(request, words_for(request)("signin_expired"), 403)
        store = _store(request)
        with store.db:
            grant = store.sign_in(case_id, str(form.get("username", "")),
                                  str(form.get("password", "")))
    finally:
        await form.close()
    if grant is None:
        return await sign_in_page(request, 401, failed=True)
    response = RedirectResponse("/", status_code=303)
    served.sessions.set_cookie(response, COOKIE, served.sessions.start(grant))
    response.delete_cookie(SIGN_IN_COOKIE, path="/")
    return response


async def sign_out(request: Request) -> Response:
    """``POST /logout`` (with the session's CSRF token): the session ends."""
    from dossier.web.security import CsrfError, require_csrf

    served = served_of(request)
    try:
        form = await require_csrf(request, served.sessions)
    except CsrfError as exc:
        return failure(request, str(exc), 403)
    await form.close()
    served.sessions.end(request.cookies.get(COOKIE))
    response = RedirectResponse("/login" if served.sessions.team else "/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def accounts_page(request: Request, status: int = 200,
                        problems: list[str] | None = None) -> Response:
    store = _store(request)
    try:
        with store.db:
            found = store.accounts()
        case_id = _case_id(request)
    except DossierError as exc:
        return failure(request, exc)
    rows = [(a.username, a.grants.get(case_id), a.locked_until) for a in found]
    return page(request, "accounts.html", status=status, rows=rows, roles=ROLES,
                audiences=AUDIENCES, problems=problems or [], message=flash(request))


async def accounts_save(request: Request, form: FormData) -> Response:
    """Add an account (with its role here), change a role, or take one away."""
    from entities.db.accounts import AccountError

    served = served_of(request)
    store = _store(request)
    action = str(form.get("action", ""))
    username = str(form.get("username", "")).strip()
    role = str(form.get("role", ""))
    audience = str(form.get("audience", "")) or None
    words = words_for(request)
    try:
        with store.db:
            case_id = _case_id(request)
            if action == "add":
                store.add_with_role(case_id, username, str(form.get("password", "")), role,
                                    audience, actor(request))
            elif action == "grant":
                store.grant(case_id, username, role, audience, actor(request))
                served.sessions.end_for(username)  # the new role from the next sign-in
            elif action == "revoke":
                if username == actor(request):
                    raise AccountError("an admin cannot take their own role away")
                store.revoke(case_id, username, actor(request))
                served.sessions.end_for(username)
            else:
                return failure(request, "unknown action")
    except AccountError as exc:
        return await accounts_page(request, 400, [str(exc)])
    except DossierError as exc:
        return failure(request, exc)
    flash(request, words("accounts_saved", user=username))
    return RedirectResponse("/accounts", status_code=303)


async def password_page(request: Request, status: int = 200,
                        problems: list[str] | None = None) -> Response:
    """A team member's own new password."""
    if not served_of(request).sessions.team:
        return failure(request, "there are no accounts when one person runs the app", 404)
    return page(request, "password.html", status=status, problems=problems or [],
                message=flash(request))


async def password_save(request: Request, form: FormData) -> Response:
    from entities.db.accounts import AccountError

    served = served_of(request)
    if not served.sessions.team:
        return failure(request, "there are no accounts when one person runs the app", 404)
    words = words_for(request)
    new = str(form.get("new", ""))
    if new != str(form.get("repeat", "")):
        return await password_page(request, 400, [words("password_mismatch")])
    me = actor(request)
    store = _store(request)
    try:
        with store.db:
            store.change_own(me, str(form.get("current", "")), new)
    except AccountError as exc:
        return await password_page(request, 400, [str(exc)])
    served.sessions.end_for(me, keep=request.cookies.get(COOKIE))  # signed out elsewhere
    flash(request, words("password_changed"))
    return RedirectResponse("/password", status_code=303)
