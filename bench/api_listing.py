"""The deployments list API at 1,000 deployments: a page, a refresh, and Airflow's own DAG list.

The page that lists deployments refreshes itself every few seconds. Before the list paged,
``GET /deployments`` answered every deployment (about 1 MB and 750 ms at 1,000). Now it
answers a page of 50, and a refresh that sends back the page's ``ETag`` gets a bodiless 304.
The reference is what the same app answers for Airflow's own list of DAGs,
``GET /api/v2/dags?limit=50``, over the same DAGs: a page of Airflow's own UI costs that much.
Also timed: a page sorted by state (which reads the state of every deployment), the first
page after a spec file changed (the specs are read again), and every deployment (pages of
500), what one request cost before. Everything runs in one child process (``bench.api_child``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import REPO, BenchResult, Stats, compare, conditions, scratch_folder
from bench.deployments_db import environment

NAME = "list-api"
TITLE = "The deployments list API: a page, a 304 refresh, Airflow's DAG list"
REFERENCE = "Airflow GET /api/v2/dags?limit=50"


@dataclass(frozen=True)
class Sizes:
    deployments: int
    rounds: int


FULL = Sizes(deployments=1000, rounds=7)
SMOKE = Sizes(deployments=3, rounds=1)


def run(sizes: Sizes = FULL) -> BenchResult:
    result = BenchResult(NAME, TITLE)
    with scratch_folder("bench-list-api-") as scratch, conditions(result, scratch):
        samples = _measure(scratch, sizes)
        stats = {name: Stats(tuple(values)) for name, values in samples["seconds"].items()}
        case = f"{sizes.deployments} deployments"
        for candidate in (
            "page of 50",
            "304 refresh",
            "page of 50 sorted by state",
            "page of 50 after a spec change",
        ):
            result.comparisons.append(compare(case, stats, candidate, REFERENCE))
        result.comparisons.append(compare(case, stats, "page of 50", "every deployment"))
        for what, size in samples["bytes"].items():
            result.measurements.append((f"answer size, {what}", f"{size / 1024:,.1f} KiB"))
    return result


def _measure(scratch: Path, sizes: Sizes) -> dict[str, Any]:
    output = scratch / "samples.json"
    settings = scratch / "settings.json"
    settings.write_text(
        json.dumps(
            {
                "work": str(scratch),
                "deployments": sizes.deployments,
                "rounds": sizes.rounds,
                "output": str(output),
            }
        ),
        encoding="utf-8",
    )
    finished = subprocess.run(
        [sys.executable, "-m", "bench.api_child", str(settings)],
        cwd=REPO,
        env=environment(scratch),
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"the list API benchmark failed:\n{finished.stderr[-3000:]}")
    samples: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    return samples
