"""The build's worker processes: results come back, a failing job fails the build, and a
worker killed by the system fails it too, instead of leaving it waiting forever."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from dossier.workers import run_jobs
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
