"""Running a build's jobs on every core: forked worker processes fed one job at a time.

The work function is handed to the workers by ``fork`` (nothing of it is pickled: a
worker starts as a copy of the build, case view included); only the small job
descriptions and their results cross the pipes. A worker that dies — killed by the
system for want of memory, say — fails the build with a clear error instead of leaving it
waiting forever (which ``multiprocessing.Pool`` does). Where fork is not available, or
there is little to do, the jobs run in the calling process.

A job may be marked to *retire* its worker (``retire``): the worker ends when it has
sent the result, and a fresh one is forked in its place — the memory a large job left in
its process (freed, but kept by the allocator as fragments) goes back to the system
instead of staying beside the jobs that follow.

One job can also run *in the background* (:class:`Background`): forked as soon as what it
needs exists, while the build goes on preparing the rest, and waited for when its result
is needed — the same rules: its error comes back as raised, its death fails the build.

While a build makes what lives until it ends (:func:`no_full_collections`), the garbage
collector's full collections are put off.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import threading
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

from entities.exc import OutputError

J = TypeVar("J", bound=Hashable)
#: Fewer jobs than this run in the calling process.
POOL_FROM = 2


#: The collector's thresholds of this process outside :func:`no_full_collections` (a
#: worker forked inside it goes back to them).
_NORMAL = gc.get_threshold()
#: The oldest generation's threshold inside :func:`no_full_collections`: never reached.
_NEVER = 1 << 30
_put_off = {"depth": 0}
_put_off_lock = threading.Lock()


@contextlib.contextmanager
def no_full_collections() -> Iterator[None]:
    """Put off the garbage collector's full collections (of its oldest generation) in
    this process while the block runs; the younger generations are still collected, and
    reference counting frees everything else as always.

    A build makes millions of objects that live until it ends — the case as read, its
    view, the entities of the FollowTheMoney job — and every full collection walks all
    of them to find next to nothing: measured at 10,000 targets, 2.5 s of the 6 s spent
    reading the case, 5 s of the 15 s of the view, 13 of the 108 s of the FollowTheMoney
    job, which left 584 objects for a collection to free. Used around a build's own
    process and the jobs that end their process (the case-level jobs, the background
    job); never in a worker writing dossier after dossier, where garbage would pile up
    (:func:`_serve` goes back to the normal thresholds). Threads of one process (the web
    app's builds) share it: the first in puts collections off, the last out restores
    them."""
    with _put_off_lock:
        if _put_off["depth"] == 0:
            gc.set_threshold(*gc.get_threshold()[:2], _NEVER)
        _put_off["depth"] += 1
    try:
        yield
    finally:
        with _put_off_lock:
            _put_off["depth"] -= 1
            if _put_off["depth"] == 0:
                gc.set_threshold(*_NORMAL)


def default_workers() -> int:
    """One worker per core, at most eight."""
    return min(os.cpu_count() or 1, 8)


def run_jobs(jobs: list[J], work: Callable[[J], Any], on_result: Callable[[J, Any], None],
             workers: int | None = None, describe: Callable[[J], str] = repr,
             retire: Callable[[J], bool] = lambda job: False,
             more: Callable[[], list[J]] | None = None) -> None:
    """Run ``work(job)`` for every job, on ``workers`` processes; ``on_result(job, result)``
    is called in this process as each finishes (in no particular order). ``describe``
    words a job for the message of a worker that died writing it; a worker that has done
    a job for which ``retire(job)`` is true is replaced by a fresh one. ``more``: the
    jobs that follow ``jobs``, worked out in this process while the workers do the first
    ones.

    Raises:
        the exception a job raised (the other jobs are stopped);
        OutputError: a worker process died.
    """
    count = workers if workers is not None else default_workers()
    if count <= 1 or os.name != "posix" or (more is None and len(jobs) < POOL_FROM):
        for job in [*jobs, *(more() if more else [])]:
            on_result(job, work(job))
        return
    size = count if more else min(count, len(jobs))
    _Pool(work, size, describe, retire).run(jobs, on_result, more)


def _serve(conn: Connection, work: Callable[[Any], Any], inherited: list[Connection]
           ) -> None:
    """A worker: do each job it is sent until it is sent ``None``, or until the build is
    gone (killed: its end of the pipe closes, and the worker stops instead of waiting
    forever). ``inherited`` are the build's ends of the pipes, copied by the fork: closed
    at once, so that the build's death closes them."""
    for other in inherited:
        other.close()
    _put_off["depth"] = 0  # the build's collections put off stay in the build
    gc.set_threshold(*_NORMAL)
    try:
        while (job := conn.recv()) is not None:
            try:
                reply: tuple[str, Any] = ("ok", work(job))
            except BaseException as exc:  # noqa: BLE001 - every failure goes to the build
                reply = ("error", _portable(exc))
            conn.send(reply)
    except (EOFError, BrokenPipeError):
        pass  # the build has gone
    conn.close()


def _once(conn: Connection, work: Callable[[], Any], inherited: list[Connection]) -> None:
    """A background process: do the one job, send its result (or error) and end."""
    for other in inherited:
        other.close()
    try:
        reply: tuple[str, Any] = ("ok", work())
    except BaseException as exc:  # noqa: BLE001 - every failure goes to the build
        reply = ("error", _portable(exc))
    with contextlib.suppress(OSError):  # the build has gone
        conn.send(reply)
    conn.close()


def _portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives the trip through a pipe, else an OutputError saying it."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any unpicklable exception
        return OutputError(f"a build job failed: {type(exc).__name__}: {exc}")


class Background:
    """One job run in a forked process beside the caller (or at once in the caller,
    where :func:`run_jobs` would not fork: ``workers`` ≤ 1, no POSIX); :meth:`result`
    waits for it. The process ends as soon as it has sent its result (its memory goes
    back to the system while the caller works on). Stop it with :meth:`close` if its
    result is no longer wanted (a ``with`` block does)."""

    def __init__(self, work: Callable[[], Any], description: str,
                 workers: int | None = None):
        self.description = description
        self._value: tuple[str, Any] | None = None
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        count = workers if workers is not None else default_workers()
        if count <= 1 or os.name != "posix":
            try:
                self._value = ("ok", work())
            except BaseException as exc:  # noqa: BLE001 - raised again by result()
                self._value = ("error", exc)
            return
        gc.freeze()  # as for a pool: neither process's collections walk (and so copy)
        # what they share, until the job is done
        mine, theirs = get_context("fork").Pipe()
        self._process = get_context("fork").Process(
            target=_once, args=(theirs, work, [mine]), daemon=True)
        self._process.start()
        theirs.close()
        self._conn = mine

    def result(self) -> Any:
        """The job's result, once it has finished.

        Raises:
            the exception the job raised;
            OutputError: its process died.
        """
        if self._value is None:
            assert self._process is not None and self._conn is not None
            wait([self._conn, self._process.sentinel])
            try:
                self._value = self._conn.recv() if self._conn.poll() else None
            except EOFError:
                self._value = None
            if self._value is None:
                self._process.join()
                exitcode = self._process.exitcode
                self.close()
                raise OutputError(
                    f"a build worker stopped unexpectedly (exit code {exitcode}; out of "
                    f"memory?) while writing {self.description}; the previous outputs "
                    "are unchanged")
            self.close()
        kind, value = self._value
        if kind == "error":
            raise value
        return value

    def close(self) -> None:
        """End the process (at once, if it is still working)."""
        if self._process is not None:
            if self._value is None:  # still working, or dead
                self._process.terminate()
            self._process.join()
            self._process = None
            gc.unfreeze()
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Background:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Pool:
    def __init__(self, work: Callable[[Any], Any], size: int,
                 describe: Callable[[Any], str] = repr,
                 retire: Callable[[Any], bool] = lambda job: False):
        self.work = work
        self.describe = describe
        self.retire = retire
        self.workers: list[tuple[BaseProcess, Connection]] = []
        # Everything the build made so far (the case view: millions of objects in a
        # large case) is moved out of the garbage collector's sight before the fork: a
        # worker's collections then never walk it, which would cost seconds each and
        # touch — and so copy — every page the workers share with the build.
        gc.freeze()
        for _ in range(size):
            self.workers.append(self._fork())

    def _fork(self) -> tuple[BaseProcess, Connection]:
        """A new worker, and the build's end of its pipe."""
        mine, theirs = get_context("fork").Pipe()
        inherited = [c for _, c in self.workers] + [mine]
        process = get_context("fork").Process(target=_serve,
                                              args=(theirs, self.work, inherited),
                                              daemon=True)
        process.start()
        theirs.close()
        return process, mine

    def _replace(self, conn: Connection) -> Connection:
        """End the worker at ``conn`` (its job done) and fork another in its place."""
        at = next(i for i, (_, c) in enumerate(self.workers) if c is conn)
        process, _ = self.workers[at]
        conn.send(None)
        process.join()
        conn.close()
        self.workers[at] = fresh = self._fork()
        return fresh[1]

    def run(self, jobs: list[J], on_result: Callable[[J, Any], None],
            more: Callable[[], list[J]] | None = None) -> None:
        """Hand out ``jobs``, then (worked out here once the workers have their first
        jobs) those ``more`` gives, one at a time to each worker that is free."""
        pending: deque[J] = deque(jobs)
        busy: dict[Connection, J] = {}
        waiting: list[Connection] = []  # free workers, while ``more`` is worked out

        def feed(conn: Connection) -> None:
            if pending:
                busy[conn] = pending.popleft()
                conn.send(busy[conn])
            elif more is not None:
                waiting.append(conn)
            else:
                conn.send(None)

        try:
            for _, conn in self.workers:
                feed(conn)
            if more is not None:
                pending.extend(more())
                more = None
                for conn in waiting:
                    feed(conn)
            while busy:
                sentinels = {p.sentinel: c for p, c in self.workers if c in busy}
                ready = wait([*busy, *sentinels])
                for conn in [r for r in ready if isinstance(r, Connection)]:
                    job = self._receive(conn, busy, on_result)
                    feed(self._replace(conn) if self.retire(job) else conn)
                for sentinel in [r for r in ready if not isinstance(r, Connection)]:
                    conn = sentinels[sentinel]  # type: ignore[index]
                    if conn in busy and not conn.poll():
                        process = next(p for p, c in self.workers if c is conn)
                        process.join()
                        raise OutputError(
                            f"a build worker stopped unexpectedly (exit code "
                            f"{process.exitcode}; out of memory?) while writing "
                            f"{self.describe(busy[conn])}; the previous outputs are "
                            "unchanged")
        finally:
            self.close()

    def _receive(self, conn: Connection, busy: dict[Connection, J],
                 on_result: Callable[[J, Any], None]) -> J:
        job = busy.pop(conn)
        try:
            kind, value = conn.recv()
        except EOFError:
            raise OutputError(f"a build worker stopped unexpectedly while writing "
                              f"{self.describe(job)}; the previous outputs are unchanged"
                              ) from None
        if kind == "error":
            raise value
        on_result(job, value)
        return job

    def close(self) -> None:
        for process, conn in self.workers:
            if process.is_alive():
                process.terminate()
            process.join()
            conn.close()
        gc.unfreeze()
