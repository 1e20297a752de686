"""The build's worker processes: results come back, a failing job fails the build, and a
worker killed by the system fails it too, instead of leaving it waiting forever."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from dossier.workers import Background, run_jobs
from entities.exc import InvalidInput, OutputError, Problem

pytestmark = pytest.mark.skipif(os.name != "posix", reason="needs fork")


def _collect(jobs: list[int], work: Any, workers: int = 2) -> dict[int, Any]:
    out: dict[int, Any] = {}
    run_jobs(jobs, work, out.__setitem__, workers)
    return out


def test_every_result_comes_back() -> None:
    assert _collect(list(range(20)), lambda n: n * n) == {n: n * n for n in range(20)}
    assert _collect([1, 2, 3], lambda n: -n, workers=1) == {1: -1, 2: -2, 3: -3}


def test_a_failing_job_fails_the_run_with_its_error() -> None:
    def work(n: int) -> int:
        if n == 3:
            raise ValueError("job 3 failed")
        return n

    with pytest.raises(ValueError, match="job 3 failed"):
        _collect(list(range(6)), work)


def test_a_located_error_travels_with_its_problems() -> None:
    def work(n: int) -> int:
        if n == 2:
            raise InvalidInput([Problem("f.yml", 3, "x", "bad")], "the file f.yml")
        return n

    with pytest.raises(InvalidInput, match="the file f.yml has 1 problem") as info:
        _collect(list(range(4)), work)
    assert [str(p) for p in info.value.problems] == ["f.yml:3: x: bad"]


def test_a_killed_worker_fails_the_run() -> None:
    def work(n: int) -> int:
        if n == 4:
            os.kill(os.getpid(), signal.SIGKILL)  # as the system does when memory runs out
        return n

    with pytest.raises(OutputError, match="stopped unexpectedly"):
        _collect(list(range(8)), work)


def test_a_retiring_job_gets_its_worker_replaced() -> None:
    """The worker that did a job marked to retire does nothing after it (a fresh worker
    takes its place), and the results all come back."""
    out: dict[int, int] = {}
    run_jobs(list(range(12)), lambda n: os.getpid(), out.__setitem__, 2,
             retire=lambda n: n in (0, 1))
    assert sorted(out) == list(range(12))
    retired = {out[0], out[1]}
    assert len(retired) == 2 and not retired & {out[n] for n in range(2, 12)}
    assert not [p for p in retired if _alive(p)]


def test_more_jobs_are_worked_out_while_the_first_run(tmp_path: Any) -> None:
    """``more``: the jobs that follow, worked out by the caller once the workers have
    their first jobs (the first has begun while ``more`` runs); every result comes back,
    on workers and in the caller alike."""
    import time

    started = tmp_path / "started"

    def work(n: int) -> int:
        if n == 0:
            started.touch()
            time.sleep(0.5)
        return n * 10

    def more() -> list[int]:
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        return [2, 3, 4, 5]

    out: dict[int, int] = {}
    run_jobs([0, 1], work, out.__setitem__, 2, more=more)
    assert started.exists() and out == {n: n * 10 for n in range(6)}
    out.clear()
    run_jobs([1], lambda n: -n, out.__setitem__, 1, more=lambda: [2, 3])
    assert out == {1: -1, 2: -2, 3: -3}
    out.clear()
    run_jobs([], lambda n: -n, out.__setitem__, 2, more=lambda: [7])  # no first jobs
    assert out == {7: -7}


def test_a_background_job_runs_beside_the_caller_and_gives_its_result() -> None:
    parent = os.getpid()
    with Background(lambda: (os.getpid(), 6 * 7), "the answer", 2) as job:
        pid, value = job.result()
        assert value == 42 and pid != parent
        assert job.result() == (pid, 42)  # asked again: the same result
    with Background(lambda: os.getpid(), "here", 1) as job:  # one worker: in the caller
        assert job.result() == parent


def test_a_background_job_that_fails_or_dies_fails_the_run() -> None:
    def fails() -> None:
        raise ValueError("the statements could not be made")

    with Background(fails, "the statements", 2) as job, \
            pytest.raises(ValueError, match="could not be made"):
        job.result()
    with Background(fails, "the statements", 1) as job, pytest.raises(ValueError):
        job.result()

    def dies() -> None:
        os.kill(os.getpid(), signal.SIGKILL)  # as the system does when memory runs out

    with Background(dies, "the case database's statements", 2) as job, \
            pytest.raises(OutputError, match="stopped unexpectedly .* while writing the "
                                             "case database's statements; the previous"):
        job.result()


def test_a_background_job_ends_its_process_once_done() -> None:
    """Its process does not wait to be asked for the result: it ends when the job is
    done (the memory it used goes back), and the result is kept for the caller."""
    import time

    job = Background(lambda: "done", "a short job", 2)
    process = job._process
    assert process is not None
    deadline = time.monotonic() + 30
    while process.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not process.is_alive() and process.exitcode == 0
    assert job.result() == "done"
    job.close()


def test_a_background_job_no_longer_wanted_is_stopped() -> None:
    import time

    job = Background(lambda: time.sleep(600), "a long wait", 2)
    process = job._process
    assert process is not None and process.is_alive()
    started = time.monotonic()
    job.close()
    assert not process.is_alive() and time.monotonic() - started < 30


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, waiting to be reaped, has stopped)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_workers_stop_when_the_build_is_killed(tmp_path: Any) -> None:
    """A build killed (SIGKILL) leaves no worker behind, waiting forever for its next job
    (each worker held the build's end of its own pipe, so it never saw the build go)."""
    import subprocess
    import sys
    import time

    script = ("import os, sys, time\n"
              "from dossier.workers import run_jobs\n"
              "def work(n):\n"
              "    return os.getpid()\n"
              "seen = []\n"
              "def done(job, pid):\n"
              "    print(pid, flush=True)\n"
              "    seen.append(job)\n"
              "    if len(seen) == 4: time.sleep(600)\n"  # after every result, whatever order
              "run_jobs(list(range(4)), work, done, 4)\n")
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert build.stdout is not None
    pids = {int(build.stdout.readline()) for _ in range(4)}  # every worker has worked
    build.kill()
    build.wait(10)
    build.stdout.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    assert not [p for p in pids if _alive(p)]


def test_full_collections_are_put_off_in_the_build_and_never_in_a_worker() -> None:
    """Inside ``no_full_collections`` the collector's oldest generation is never
    collected by itself (a large build's long-lived objects are not walked again and
    again); a worker forked inside it goes back to the normal thresholds (its dossiers'
    garbage is collected); nested and threaded uses restore them once, at the end."""
    import gc
    import threading

    from dossier.workers import no_full_collections

    normal = gc.get_threshold()
    with no_full_collections():
        inside = gc.get_threshold()
        assert inside[:2] == normal[:2] and inside[2] > 1_000_000
        in_worker = _collect([1, 2], lambda n: gc.get_threshold())
        with no_full_collections():
            pass
        assert gc.get_threshold() == inside  # the inner block leaves it put off
        done = threading.Event()
        started = threading.Event()

        def other() -> None:
            with no_full_collections():
                started.set()
                done.wait(10)

        thread = threading.Thread(target=other)
        thread.start()
        started.wait(10)
    assert gc.get_threshold() == inside  # the other thread is still inside
    done.set()
    thread.join()
    assert gc.get_threshold() == normal
    assert set(in_worker.values()) == {normal}


def test_the_statements_spooled_in_parts_report_every_parts_problems(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database's statements are made by one background process per worker, each
    for its part of the records; values FollowTheMoney cannot store are reported from
    every part together, and a part that dies fails the build."""
    from dossier import statements_job
    from entities.exc import InvalidCase

    parent = os.getpid()
    seen: list[tuple[int, int]] = []

    def refuses(case: object, spool: Any, part: int, parts: int) -> None:
        assert os.getpid() != parent
        raise InvalidCase([Problem(f"data/part-{part}.yml", part + 1, "name",
                                   f"part {part} of {parts}")])

    monkeypatch.setattr(statements_job, "spool_statements", refuses)
    with statements_job.spooling(object(), tmp_path, 3) as wait, \
            pytest.raises(InvalidCase) as caught:
        wait()
    assert [p.message for p in caught.value.problems] == ["part 0 of 3", "part 1 of 3",
                                                          "part 2 of 3"]

    def dies_or_not(case: object, spool: Any, part: int, parts: int) -> None:
        if part == 1:
            os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(statements_job, "spool_statements", dies_or_not)
    with statements_job.spooling(object(), tmp_path, 2) as wait, \
            pytest.raises(OutputError, match="the case database's statements"):
        wait()

    def records(case: object, spool: Any, part: int, parts: int) -> None:
        seen.append((part, parts))

    monkeypatch.setattr(statements_job, "spool_statements", records)
    with statements_job.spooling(object(), tmp_path, 1) as wait:
        wait()
    assert seen == [(0, 1)]  # one worker: made at once, in this process
