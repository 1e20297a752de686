"""How fast the local web app's pages answer on a large case (issue 23: within 200 ms on
the 1,000-target synthetic case).

Usage: python benchmarks/web_pages.py [--targets 1000] [--runs 5]

A deterministic fictional case (tests/synthetic_case.py) is written, the app made (as
``dossier serve`` makes it) and each page asked ``--runs`` times in process through
Starlette's test client after one warm-up; the baseline measured in the same run is
loading the case from its files (``open_case``), which every page does first. Printed per
page: median and worst time, and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOAL_MS = 200.0


def _ms(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from starlette.testclient import TestClient

    from dossier.web.app import create_app
    from dossier.web.security import Sessions, allowed_hosts
    from entities.db.changes import open_case
    from tests import synthetic_case

    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "case"
        synthetic_case.write(args.targets, case)
        sessions = Sessions(allowed_hosts("127.0.0.1", 8765))
        client = TestClient(create_app(case, "Benchmark", sessions, Path(tmp) / "out"),
                            base_url="http://127.0.0.1:8765", follow_redirects=False)
        client.get(f"/login?token={sessions.token}")
        records = client.get("/records").text
        first = re.search(r'href="(/record/[0-9a-f]{16})"', records)
        pages = ["/", "/records", "/review", "/checks", "/audit", "/build", "/upload",
                 "/settings", "/import", "/matrix", "/identity", "/screening",
                 "/records?kind=people&page=8", "/matrix?page=20"]
        if first:
            pages.append(first.group(1))
        open_case(case)
        base = statistics.median(_ms(lambda: open_case(case)) for _ in range(args.runs))
        counts = open_case(case).count()
        print(f"case: {args.targets} targets ({counts['people']} people, "
              f"{counts['incidents']} incidents, {counts['attributions']} attributions, "
              f"{counts['evidence']} evidence); baseline open_case {base:.0f} ms")
        print(f"{'page':28}{'median ms':>10}{'worst ms':>10}{'× baseline':>12}  goal ≤ "
              f"{GOAL_MS:.0f} ms")
        for path in pages:
            assert client.get(path).status_code == 200, path
            times = [_ms(lambda p=path: client.get(p)) for _ in range(args.runs)]
            label = "/record/<key>" if path.startswith("/record/") else path
            median = statistics.median(times)
            print(f"{label:28}{median:10.0f}{max(times):10.0f}{median / base:12.1f}"
                  f"  {'ok' if median <= GOAL_MS else 'SLOW'}")


if __name__ == "__main__":
    main()
