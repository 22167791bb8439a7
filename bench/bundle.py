"""The pages' bundle, gzipped, beside the ``edge3`` provider's UI bundle.

What a browser downloads once to show the plugin's pages is ``job-orchestrator.js`` (React,
ReactDOM and the router come from Airflow's UI); Swagger UI's files in the same folder are
loaded by the API docs page only, so they are a measurement, not the comparison. The reference
is the other React plugin of Airflow's own providers, the Edge executor's worker pages, built
the same way (Vite, UMD, React and the router left to Airflow's UI, Chakra UI and React Query
inside): the ``bundle_url`` of ``apache-airflow-providers-edge3`` (``plugins/www/dist/main.umd.cjs``), read
from its wheel, which ``pip download --no-deps`` fetches once into ``.test-runs/bench``. Its
version is pinned so that the ratio moves only when our bundle does.

Both are gzipped at level 9 (what a server or proxy that compresses would send at best);
a size is the same every time, so each side is measured once.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
import zipfile
from pathlib import Path

from bench.common import BYTES, REPO, BenchResult, Comparison, Stats, conditions

NAME = "bundle"
TITLE = "The pages' bundle gzipped, beside the edge3 provider's UI bundle"
STATIC = REPO / "airflow_jobs_provider" / "plugin" / "static"
BUNDLE = STATIC / "job-orchestrator.js"
EDGE3 = "apache-airflow-providers-edge3"
EDGE3_VERSION = "5.1.0"
EDGE3_BUNDLE = "airflow/providers/edge3/plugins/www/dist/main.umd.cjs"
CACHE = REPO / ".test-runs" / "bench"
GZIP_LEVEL = 9


def run() -> BenchResult:
    result = BenchResult(NAME, TITLE)
    with conditions(result):
        ours = BUNDLE.read_bytes()
        with zipfile.ZipFile(_edge3_wheel()) as wheel:
            theirs = wheel.read(EDGE3_BUNDLE)
        result.comparisons.append(
            Comparison(
                "gzip -9",
                BUNDLE.name,
                f"edge3 {EDGE3_VERSION} {Path(EDGE3_BUNDLE).name}",
                Stats((len(gzip.compress(ours, GZIP_LEVEL)),)),
                Stats((len(gzip.compress(theirs, GZIP_LEVEL)),)),
                unit=BYTES,
            )
        )
        result.comparisons.append(
            Comparison(
                "uncompressed",
                BUNDLE.name,
                f"edge3 {EDGE3_VERSION} {Path(EDGE3_BUNDLE).name}",
                Stats((len(ours),)),
                Stats((len(theirs),)),
                unit=BYTES,
            )
        )
        for served in sorted(STATIC.iterdir()):
            if served != BUNDLE:
                size = len(gzip.compress(served.read_bytes(), GZIP_LEVEL))
                result.measurements.append((f"{served.name} gzipped", f"{size / 1024:,.1f} KiB"))
    return result


def _edge3_wheel() -> Path:
    """The pinned edge3 wheel, downloaded from the package index the first time."""
    wheel = CACHE / f"{EDGE3.replace('-', '_')}-{EDGE3_VERSION}-py3-none-any.whl"
    if not wheel.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"),
                *("--dest", str(CACHE), f"{EDGE3}=={EDGE3_VERSION}"),
            ],
            check=True,
        )
    return wheel
