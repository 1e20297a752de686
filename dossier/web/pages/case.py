"""Pages about the case's content: the overview, the case settings, the records and
their forms, the person × incident matrix, the checks."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dossier.web.context import (
    LANG_COOKIE,
    Served,
    actor,
    audience_of,
    failure,
    flash,
    page,
    record_key,
    record_links,
    served_of,
    words_for,
    works_on_records,
)
from dossier.web.text import language
from entities.exc import DossierError, InvalidInput


async def overview(request: Request) -> Response:
    """The case's title, counts and targets; for a viewer only the targets its audience's
    outputs name (counts would tell of what is withheld)."""
    from dossier.show import primary_name, target_actors
    from evidence_maps.view import CaseView

    served = served_of(request)
    try:
        loaded = served.cache.case()
    except DossierError as exc:
        return failure(request, exc)
    if not works_on_records(request):  # a viewer: what its audience's outputs show
        audience = audience_of(request)
        try:
            seen = served.cache.derived(f"targets-{audience}", lambda c: [
                t.name for t in CaseView.build(c, audience).analysis.targets])
        except DossierError as exc:
            return failure(request, exc)
        return page(request, "overview.html", case=loaded, counts=None, targets=seen)
    targets = [primary_name(a) for a in target_actors(loaded)]
    return page(request, "overview.html", case=loaded, counts=loaded.count(),
                targets=targets)


async def checks(request: Request) -> Response:
    from evidence_maps.view import CaseView

    served = served_of(request)
    try:
        findings = served.cache.derived("checks",
                                 lambda c: CaseView.build(c, "government").checks)
        links = served.cache.derived("record_links", record_links)
    except DossierError as exc:
        return failure(request, exc)
    return page(request, "checks.html", findings=findings, links=links)


#: people (rows) on one page of the person × incident matrix
MATRIX_ROWS = 50


async def matrix(request: Request) -> Response:
    """The person × incident matrix, 50 people a page (``?page=2``); each page's columns
    are the incidents attributed to its people."""
    from evidence_maps.view import CaseView

    served = served_of(request)
    # the case team sees every attribution, drafts too; a viewer what its audience's
    # outputs show
    audience = "government" if works_on_records(request) else audience_of(request)

    def build(loaded: Any) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
        analysis = CaseView.build(loaded, audience,
                                  include_drafts=audience == "government").analysis
        names = {t.id: t.name for t in analysis.targets}
        table = analysis.matrix()
        return ({i.id: i for i in loaded.incidents},
                [(names.get(a, a), cells) for a, cells in table.items()])

    try:
        incidents, every_row = served.cache.derived(f"matrix-{audience}", build)
    except DossierError as exc:
        return failure(request, exc)
    from entities.i18n.messages import text

    pages = -(-len(every_row) // MATRIX_ROWS)
    number = page_number(request, pages)
    rows = every_row[(number - 1) * MATRIX_ROWS:number * MATRIX_ROWS]
    used = {i for _, cells in rows for i in cells}
    columns = [incident for key, incident in incidents.items() if key in used]
    lang = language(request.cookies.get(LANG_COOKIE))
    return page(request, "matrix.html", incidents=columns, rows=rows,
                pager={"page": number, "pages": pages, "people": len(every_row)},
                grade=lambda level: text(f"em.grade_{level}", lang))


def choices(lang: str) -> dict[str, list[tuple[str, str]]]:
    from entities.case import vocab

    return {name: [(code, f"{code} — {term.label(lang)}")
                   for code, term in vocab.terms(name).items()]
            for name in vocab.VOCABULARIES}


#: rows of one kind of record a page of the records lists; without a kind chosen, each
#: kind shows its first PREVIEW_ROWS (a case of thousands of records stays one quick page)
PAGE_ROWS = 100
PREVIEW_ROWS = 20


def _record_rows(loaded: Any) -> dict[str, list[dict[str, Any]]]:
    """Each kind's records as the records page lists them (kept with the loaded case)."""
    from dossier.show import primary_name
    from entities.case.model import SECTIONS, Actor, Position
    from entities.intake.importer import IMPORT_DIR

    def caption(record: Any) -> str:
        if isinstance(record, Actor):
            return primary_name(record)
        if isinstance(record, Position):
            return record.title[0].name if record.title else ""
        return str(getattr(record, "title", "") or getattr(record, "locator", "") or "")

    return {name: [{"id": r.id, "caption": caption(r), "key": record_key(name, r.id),
                    "imported": r.defined_in.startswith(IMPORT_DIR + "/")}
                   for r in loaded.section(name)] for name in SECTIONS}


def page_number(request: Request, pages: int) -> int:
    """The ``page`` the address asks for (1 … ``pages``; 1 when it is not a number)."""
    asked = request.query_params.get("page", "1")
    return min(max(int(asked), 1), max(pages, 1)) if asked.isdigit() else 1


async def records(request: Request) -> Response:
    """Every kind of record with its first rows, or (``?kind=people&page=2``) one kind
    page by page; the address holds only the kind and the page, never a name."""
    served = served_of(request)
    try:
        rows = served.cache.derived("record_rows", _record_rows)
    except DossierError as exc:
        return failure(request, exc)
    kind = request.query_params.get("kind")
    if kind in rows:
        pages = -(-len(rows[kind]) // PAGE_ROWS)
        number = page_number(request, pages)
        start = (number - 1) * PAGE_ROWS
        sections = [(kind, rows[kind][start:start + PAGE_ROWS], len(rows[kind]))]
        pager = {"kind": kind, "page": number, "pages": pages, "first": start + 1,
                 "last": min(start + PAGE_ROWS, len(rows[kind]))}
    else:
        sections = [(name, items[:PREVIEW_ROWS], len(items)) for name, items in rows.items()]
        pager = None
    return page(request, "records.html", sections=sections, pager=pager,
                message=flash(request))


def _by_key(loaded: Any) -> dict[str, tuple[str, Any]]:
    from entities.case.model import SECTIONS

    return {record_key(name, r.id): (name, r) for name in SECTIONS for r in loaded.section(name)}


def _find(served: Served, key: str) -> tuple[str, Any] | None:
    """The section and record a URL key names (the index is kept with the loaded case)."""
    return served.cache.derived("records_by_key", _by_key).get(key)


def record_form(request: Request, section: str, record: Any, form: dict[str, str] | None,
                seen: str, errors: dict[str, list[str]] | None = None,
                general: list[str] | None = None, conflict: Any = None,
                status: int = 200, problems_title: str | None = None) -> Response:
    from entities.intake.records import form_fields

    fields = form_fields(section, record)
    if form is not None:
        fields = [type(f)(f.column, form.get(f.column.field, "")) for f in fields]
    lang = language(request.cookies.get(LANG_COOKIE))
    action = f"/record/{record_key(section, record.id)}" if record is not None else \
        f"/new/{section}"
    from entities.i18n.messages import text
    from entities.intake.records import sheet_of

    sheet = sheet_of(section)
    helps = {f.column.field: text(f"tab.{sheet}.{f.column.field}", lang) for f in fields}
    from entities.intake.uploads import MAX_BYTES

    return page(request, "record.html", status=status, section=section, helps=helps,
                max_mb=MAX_BYTES // (1024 * 1024),
                record_id=record.id if record is not None else None, fields=fields,
                seen=seen, errors=errors or {}, general=general or [],
                conflict=conflict, choices=choices(lang), action=action,
                problems_title=problems_title)


def _keyed(request: Request) -> tuple[str, Any] | Response:
    """The section and record the URL's key names, or the error page to answer with."""
    try:
        found = _find(served_of(request), request.path_params["key"])
    except DossierError as exc:
        return failure(request, exc)
    return found if found is not None else failure(request, "no such record", 404)


async def record_page(request: Request) -> Response:
    served = served_of(request)
    found = _keyed(request)
    if isinstance(found, Response):
        return found
    section, record = found
    return record_form(request, section, record, None,
                       served.remember(served.root / record.defined_in))


async def new_page(request: Request) -> Response:
    from entities.case.model import SECTIONS
    from entities.intake.records import new_record_file

    served = served_of(request)
    section = request.path_params["section"]
    if section not in SECTIONS:
        return failure(request, "unknown kind of record", 404)
    return record_form(request, section, None, None,
                       served.remember(new_record_file(served.root, section)))


async def save(request: Request, form: FormData) -> Response:
    from entities.case.model import SECTIONS
    from entities.exc import InvalidCase
    from entities.intake.records import Conflict, field_of, form_fields, save_record

    served = served_of(request)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    if "key" in request.path_params:
        found = _keyed(request)
        if isinstance(found, Response):
            return found
        section, record = found
        record_id: str | None = record.id
    else:
        section, record, record_id = request.path_params["section"], None, None
        if section not in SECTIONS:
            return failure(request, "unknown kind of record", 404)
    seen = values.get("seen", "")
    upload = form.get("upload")
    if section == "sources" and not isinstance(upload, str) and upload is not None \
            and upload.filename:
        # a source's file chosen on its form: kept in sources/ first (an upload of its
        # own, audited), then cited by the record with its hash
        from entities.intake.uploads import MAX_BYTES, save_upload

        try:
            kept = save_upload(served.root, upload.filename, await upload.read(MAX_BYTES + 1),
                               actor(request))
        except InvalidInput as exc:
            return record_form(request, section, record, values, seen,
                               {"file": [p.message for p in exc.problems]}, status=400)
        values["file"], values["sha256"] = kept.path, kept.sha256
    try:
        saved = save_record(served.root, section, record_id, values, seen, actor(request),
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
        return failure(request, exc)
    flash(request, words_for(request)("saved", id=saved.id))
    return RedirectResponse("/records", status_code=303)  # no record id in the URL


async def delete(request: Request, form: FormData) -> Response:
    """Delete a record (the form's box ticked to confirm); refused, with what refers to
    it, while anything does."""
    from entities.exc import InvalidCase
    from entities.intake.records import Conflict, delete_record

    served = served_of(request)
    found = _keyed(request)
    if isinstance(found, Response):
        return found
    section, record = found
    seen = str(form.get("seen", ""))
    words = words_for(request)
    if form.get("confirm") != "on":
        return record_form(request, section, record, None, seen,
                           general=[words("delete_confirm_missing")], status=400,
                           problems_title=words("delete_refused"))
    try:
        delete_record(served.root, section, record.id, seen, actor(request),
                      served.seen.get(seen))
    except Conflict as exc:
        return record_form(request, section, record, None, seen, conflict={
            "message": str(exc), "diff": exc.diff}, status=409)
    except InvalidCase as exc:
        return record_form(request, section, record, None, seen,
                           general=[str(p) for p in exc.problems], status=400,
                           problems_title=words("delete_refused"))
    except DossierError as exc:
        return failure(request, exc)
    flash(request, words("deleted", id=record.id))
    return RedirectResponse("/records", status_code=303)


async def settings_page(request: Request) -> Response:
    from entities.intake.settings_form import SETTINGS, current

    served = served_of(request)
    try:
        values = current(served.cache.case())
    except DossierError as exc:
        return failure(request, exc)
    return page(request, "settings.html", fields=SETTINGS, values=values, errors={},
                general=[], seen=served.remember(served.root / "case.yml"),
                message=flash(request))


async def settings_save(request: Request, form: FormData) -> Response:
    from entities.exc import InvalidCase
    from entities.intake.records import Conflict
    from entities.intake.settings_form import SETTINGS, save_settings

    served = served_of(request)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    seen = values.get("seen", "")
    shown = {s.name: values.get(s.name, "") for s in SETTINGS}
    try:
        save_settings(served.root, values, seen, actor(request), served.seen.get(seen))
    except Conflict as exc:
        return page(request, "settings.html", status=409, fields=SETTINGS, values=shown,
                    errors={}, general=[], seen=seen,
                    conflict={"message": str(exc), "diff": exc.diff})
    except InvalidCase as exc:
        errors: dict[str, list[str]] = {}
        general: list[str] = []
        for problem in exc.problems:
            name = problem.field.split("[", 1)[0] if problem.file == "case.yml" else ""
            if name in shown:
                errors.setdefault(name, []).append(problem.message)
            else:
                general.append(str(problem))
        return page(request, "settings.html", status=400, fields=SETTINGS, values=shown,
                    errors=errors, general=general, seen=seen)
    except DossierError as exc:
        return failure(request, exc)
    flash(request, words_for(request)("settings_saved"))
    return RedirectResponse("/settings", status_code=303)


def _submission_form(request: Request, values: dict[str, str] | None = None,
                     status: int = 200, **extra: Any) -> Response:
    from dossier.show import primary_name, target_actors
    from entities.i18n.messages import text
    from evidence_maps.submissions import rules

    served = served_of(request)
    loaded = served.cache.case()
    targets = [(a.id, primary_name(a)) for a in target_actors(loaded)]
    given = loaded.meta.submissions
    if values is None:
        values = {f"s|{t}|{r}|{k}": v for t, regimes in given.items()
                  for r, fields in regimes.items() for k, v in fields.items()}
    texts = {(t, r) for t, regimes in given.items() for r in regimes}
    lang = language(request.cookies.get(LANG_COOKIE))
    regime_names = {key: text(f"regime.{key}.name", lang) for key in rules()}
    seen = extra.pop("seen", None) or served.remember(served.root / "case.yml")
    return page(request, "submissions.html", status=status, targets=targets,
                rules=list(rules().items()), regime_names=regime_names, values=values,
                texts=texts, seen=seen, **extra)


async def submissions_page(request: Request) -> Response:
    """The analyst's arguments for each target and regime (``submissions:``)."""
    try:
        return _submission_form(request, message=flash(request))
    except DossierError as exc:
        return failure(request, exc)


async def submissions_save(request: Request, form: FormData) -> Response:
    from entities.exc import InvalidCase
    from entities.intake.records import Conflict
    from entities.intake.settings_form import save_submissions
    from evidence_maps.submissions import submission_problems

    served = served_of(request)
    values = {k: v for k, v in form.items() if isinstance(v, str) and k.startswith("s|")}
    texts = {}
    for name, value in values.items():
        parts = name.split("|")
        if len(parts) == 4:
            texts[(parts[1], parts[2], parts[3])] = value
    seen = str(form.get("seen", ""))
    try:
        save_submissions(served.root, texts, seen, actor(request), submission_problems,
                         served.seen.get(seen))
    except Conflict as exc:
        return _submission_form(request, values, 409, seen=seen,
                                conflict={"message": str(exc), "diff": exc.diff})
    except InvalidCase as exc:
        return _submission_form(request, values, 400, seen=seen,
                                problems=[str(p) for p in exc.problems])
    except DossierError as exc:
        return failure(request, exc)
    flash(request, words_for(request)("submissions_saved"))
    return RedirectResponse("/submissions", status_code=303)
