"""Pages of files: uploading a source file, importing a workbook or FtM file, building
and downloading outputs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from dossier.web import outputs
from dossier.web.context import (
    AUDIENCES,
    actor,
    failure,
    grant_of,
    page,
    served_of,
    words_for,
)
from dossier.web.text import language
from entities.exc import DossierError, InvalidInput


def _seen_audiences(request: Request) -> tuple[str, ...]:
    """The audiences whose outputs the signed-in person may see and make."""
    grant = grant_of(request)
    return grant.seen() if grant is not None else AUDIENCES[:1]


async def build_page(request: Request) -> Response:
    served = served_of(request)
    job = served.builds.job
    seen = _seen_audiences(request)
    if job is not None and job.audience not in seen:
        job = None  # another's build, for an audience this person may not see
    done = job is not None and job.state == "done"
    files = outputs.listing(job.out) if done and job is not None else []
    zips = outputs.archives(job.out) if done and job is not None else []
    return page(request, "build.html", job=job, files=files, zips=zips, audiences=seen)


async def build_start(request: Request, form: FormData) -> Response:
    served = served_of(request)
    audience = str(form.get("audience", "public"))
    lang = language(str(form.get("lang", "en")))
    if audience not in AUDIENCES:
        return failure(request, "unknown audience")
    kind = "packs" if form.get("kind") == "packs" else "build"
    if kind == "packs":
        audience = "government"  # packs go to the authorities, as dossier submit makes them
    if audience not in _seen_audiences(request):
        return failure(request, words_for(request)("not_allowed"), 403)
    if not served.builds.start(audience, lang, form.get("include_drafts") == "on", kind,
                               form.get("arguable") == "on"):
        words = words_for(request)
        return failure(request, words("build_busy"), 409)
    return RedirectResponse("/build", status_code=303)


async def build_status(request: Request) -> Response:
    served = served_of(request)
    job = served.builds.job
    if job is None or job.audience not in _seen_audiences(request):
        return JSONResponse({"state": "none"})
    return JSONResponse({"state": job.state, "step": job.step, "done": job.done,
                         "total": job.total})


async def download(request: Request) -> Response:
    served = served_of(request)
    seen = _seen_audiences(request)
    folders = [served.builds.out_for(a, lang, "build") for a in seen for lang in ("en", "ru")]
    if "government" in seen:  # the packs are made for the government audience
        folders += [served.builds.out_for("government", lang, "packs") for lang in ("en", "ru")]
    found = outputs.find(folders, request.path_params["key"])
    if found is None:
        return failure(request, "no such file", 404)
    if found.folder:
        return await _send_made(lambda place: outputs.write_zip(found, place), found.name)
    return FileResponse(found.path, filename=Path(found.name).name)


async def _send_made(make: Callable[[Path], object], name: str) -> Response:
    """Make a file in a private temporary folder (off the event loop), send it, and
    delete it once sent."""
    import shutil
    import tempfile

    from starlette.background import BackgroundTask
    from starlette.concurrency import run_in_threadpool

    tmp = Path(tempfile.mkdtemp(prefix="dossier-send-"))
    try:
        place = tmp / name
        await run_in_threadpool(make, place)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return FileResponse(place, filename=name,
                        background=BackgroundTask(shutil.rmtree, tmp, ignore_errors=True))


async def upload_page(request: Request) -> Response:
    from entities.intake.uploads import MAX_BYTES

    return page(request, "upload.html", max_mb=MAX_BYTES // (1024 * 1024))


async def upload(request: Request, form: FormData) -> Response:
    from starlette.datastructures import UploadFile

    served = served_of(request)
    from entities.intake.uploads import MAX_BYTES, save_upload

    max_mb = MAX_BYTES // (1024 * 1024)
    sent = form.get("file")
    try:
        if not isinstance(sent, UploadFile):
            return page(request, "upload.html", status=400, max_mb=max_mb,
                        problems=["choose a file"])
        data = await sent.read(MAX_BYTES + 1)
        saved = save_upload(served.root, sent.filename or "", data, actor(request))
    except InvalidInput as exc:
        return page(request, "upload.html", status=400, max_mb=max_mb,
                    problems=[str(p) for p in exc.problems])
    except DossierError as exc:
        return failure(request, exc)
    return page(request, "upload.html", uploaded=saved, max_mb=max_mb)


#: the formats the import page offers to export, in its order
EXPORT_FORMATS = ("authoring-xlsx", "ftm", "xlsx", "opensanctions", "evidence-map", "gexf")


def _import_page(request: Request, status: int = 200, **context: object) -> Response:
    return page(request, "import.html", status=status, formats=EXPORT_FORMATS,
                audiences=AUDIENCES, **context)


async def import_page(request: Request) -> Response:
    return _import_page(request)


async def export_file(request: Request, form: FormData) -> Response:
    """One output of :mod:`exports.registry` (``dossier export``), made for the audience
    chosen and sent as a download: a folder format as a zip archive."""
    from dossier.build import export_case
    from exports.registry import exporter

    served = served_of(request)
    fmt, audience = str(form.get("format", "")), str(form.get("audience", "public"))
    if fmt not in EXPORT_FORMATS or audience not in AUDIENCES:
        return failure(request, "unknown format or audience")
    # the authoring workbook is the whole case, confidential records included
    if (audience if fmt != "authoring-xlsx" else "government") not in _seen_audiences(request):
        return failure(request, words_for(request)("not_allowed"), 403)
    lang = language(str(form.get("lang", "en")))
    drafts = form.get("include_drafts") == "on" or None
    item = exporter(fmt)
    name = Path(item.path).name + (".zip" if item.folder else "")
    if item.audience:
        name = f"{audience}-{lang}-{name}"

    def make(place: Path) -> None:
        if not item.folder:
            export_case(served.root, fmt, place, audience, drafts, lang)
            return
        folder = place.with_suffix("")
        export_case(served.root, fmt, folder, audience, drafts, lang)
        found = outputs.archives(folder)[0]
        outputs.write_zip(found, place)

    try:
        return await _send_made(make, name)
    except InvalidInput as exc:
        return _import_page(request, 400, export_problems=[str(p) for p in exc.problems])
    except DossierError as exc:
        return _import_page(request, 400, export_problems=[str(exc)])


async def import_file(request: Request, form: FormData) -> Response:
    import tempfile

    served = served_of(request)
    from starlette.datastructures import UploadFile

    from entities.intake.captures import (
        default_source_id,
        import_capture,
        is_capture,
        read_capture,
    )
    from entities.intake.ftm_import import import_ftm
    from entities.intake.importer import import_table
    from entities.intake.uploads import MAX_BYTES, clean_name

    words = words_for(request)
    try:
        sent = form.get("file")
        name = clean_name(sent.filename or "") if isinstance(sent, UploadFile) else ""
        suffix = Path(name).suffix.lower()
        capture = is_capture(Path(name))
        if not isinstance(sent, UploadFile) or (
                suffix not in (".xlsx", ".csv", ".json", ".jsonl") and not capture):
            return _import_page(request, 400, problems=[
                "choose an .xlsx, .csv, FtM .json file or a web capture (.wacz, .warc)"])
        data = await sent.read(MAX_BYTES + 1)
        check = form.get("action") != "import"
        with tempfile.TemporaryDirectory(prefix="dossier-import-") as tmp:
            path = Path(tmp) / name  # the import names what it writes after the file
            path.write_bytes(data)
            if capture:
                seen = read_capture(path)
                if check:
                    return _import_page(request, message=words(
                        "import_capture_checked", file=name, url=seen.url, at=seen.at))
                made = import_capture(served.root, path, actor(request),
                                      default_source_id(path))
                return _import_page(request, message=words(
                    "import_capture_done", file=name, source=made))
            if suffix in (".json", ".jsonl"):
                if check:
                    from entities.ftm.reader import FtmReader

                    read = sum(1 for _ in FtmReader(path).entities())
                    return _import_page(request, message=words(
                        "import_ftm_checked", file=name, entities=read))
                done = import_ftm(served.root, path)
                message = words("import_ftm_done", file=name, entities=done.entities,
                                statements=done.statements)
            else:
                report = import_table(served.root, path, dry_run=check, by=actor(request))
                message = words("import_checked" if check else "import_done", file=name,
                                added=len(report.added), changed=len(report.changed),
                                removed=len(report.removed))
    except InvalidInput as exc:
        return _import_page(request, 400, problems=[str(p) for p in exc.problems])
    except DossierError as exc:
        return failure(request, exc)
    return _import_page(request, message=message)


async def maps(request: Request) -> Response:
    """The evidence maps and timelines (SVG) of the most recent build."""
    served = served_of(request)
    built = [served.builds.out_for(a, lang) for a in _seen_audiences(request)
             for lang in ("en", "ru")]
    built = [b for b in built if (b / "maps").is_dir()]
    if not built:
        return page(request, "maps.html", pictures=[])
    latest = max(built, key=lambda b: (b / "maps").stat().st_mtime_ns)
    audience, _, lang = latest.name.partition("-")
    pictures = [f for f in outputs.listing(latest)
                if f.name.startswith("maps/") and f.name.endswith(".svg")]
    return page(request, "maps.html", pictures=pictures, audience=audience,
                language_code=lang)
