"""Builds and submission packs in the background, one at a time, with their progress
for the build page."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from entities.exc import DossierError, InvalidInput
from entities.progress import Unit


@dataclass
class Job:
    """The last build the app started: what, how far, and how it ended."""

    audience: str
    lang: str
    out: Path
    #: ``build`` (every output) or ``packs`` (submission packs, dossier submit)
    kind: str = "build"
    state: str = "running"  # running, done, failed
    step: str = ""
    done: int = 0
    total: int | None = None
    error: str = ""
    #: what was wrong, located, when the case or an input was invalid
    problems: list[str] = field(default_factory=list)


@dataclass
class Builds:
    """Starts builds on a thread; :attr:`job` is the last one."""

    root: Path
    outputs: Path
    job: Job | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def out_for(self, audience: str, lang: str, kind: str = "build") -> Path:
        return self.outputs / (f"{audience}-{lang}" if kind == "build" else f"packs-{lang}")

    def start(self, audience: str, lang: str, include_drafts: bool, kind: str = "build",
              arguable: bool = False) -> bool:
        """Start a build, or (``kind="packs"``) the submission packs for the government
        audience (False: one is running already)."""
        with self._lock:
            if self.job is not None and self.job.state == "running":
                return False
            job = Job(audience, lang, self.out_for(audience, lang, kind), kind)
            self.job = job
        thread = threading.Thread(target=self._run, args=(job, include_drafts, arguable),
                                  daemon=True)
        thread.start()
        return True

    def _run(self, job: Job, include_drafts: bool, arguable: bool = False) -> None:
        from dossier.build import build_case
        from dossier.submit import submit_case

        class Report:
            def step(self, label: str, total: int | None = None, unit: Unit = "items"
                     ) -> None:
                job.step, job.total, job.done = label, total, 0

            def update(self, done: int) -> None:
                job.done = done

        try:
            job.out.parent.mkdir(parents=True, exist_ok=True)
            if job.kind == "packs":
                submit_case(self.root, job.out, None, job.audience, job.lang, replace=True,
                            progress=Report(), arguable=arguable)
            else:
                build_case(self.root, job.out, job.audience, include_drafts=include_drafts,
                           lang=job.lang, progress=Report())
            job.state = "done"
        except InvalidInput as exc:
            job.state, job.error = "failed", str(exc)
            job.problems = [str(p) for p in exc.problems]
        except DossierError as exc:
            job.state, job.error = "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - a bug: shown, and the app keeps serving
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
