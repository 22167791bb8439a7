"""Generator parse time: the generator file with N specs vs one hand-written file with N DAGs.

Airflow's DAG processor parses ``dags/job_orchestrator_dags.py`` again and again (every
``min_file_process_interval``, and after each deploy), in a fresh child process, and gives up
after ``[core] dagbag_import_timeout`` (30 s by default). The reference is what a team would
write without this tool: one DAG file that builds the same N DAGs with the same operators and
the same arguments, as literals (each block is this provider's own code export of the spec).
Both build identical DAGs; the generator also lists and validates the specs folder and builds
each DAG's arguments (``doc_md``, notifiers, resources) from the spec.

Two numbers per N, from the same forks (see ``bench.parse_child``):

- fresh parser process: what a real parse costs, this provider's imports included;
- modules already imported: the file parsed again in that process, the per-DAG work alone.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import REPO, BenchResult, Comparison, Stats, conditions, python, scratch_folder
from bench.parse_child import GENERATOR, HAND_WRITTEN
from bench.specs import CONFIGURATION

NAME = "parse"
TITLE = "Parsing the generator file vs a hand-written DAG file"
IMPORT_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Sizes:
    counts: tuple[int, ...]
    rounds: int
    warm: int
    # False only for the smoke run: the "fresh parser process" numbers then mean nothing.
    fresh_imports: bool = True


FULL = Sizes(counts=(10, 100, 500), rounds=5, warm=1)
SMOKE = Sizes(counts=(2,), rounds=1, warm=1, fresh_imports=False)


def run(sizes: Sizes = FULL) -> BenchResult:
    result = BenchResult(NAME, TITLE)
    with scratch_folder("bench-parse-") as scratch, conditions(result, scratch):
        samples = _measure(scratch, sizes)
        for count in sizes.counts:
            cold = {
                variant: _series(samples, variant, count, "cold") for variant in (GENERATOR, HAND_WRITTEN)
            }
            warm = {
                variant: _series(samples, variant, count, "warm") for variant in (GENERATOR, HAND_WRITTEN)
            }
            result.comparisons += [
                Comparison(f"N={count}, fresh parser process", GENERATOR, HAND_WRITTEN, *cold.values()),
                Comparison(f"N={count}, modules already imported", GENERATOR, HAND_WRITTEN, *warm.values()),
            ]
        largest, smallest = max(sizes.counts), min(sizes.counts)
        for variant in (GENERATOR, HAND_WRITTEN):
            per_dag = _series(samples, variant, largest, "warm").median / largest
            result.measurements.append(
                (f"{variant}: per DAG, N={largest}, modules imported", f"{per_dag * 1e3:.2f} ms")
            )
        for variant in (GENERATOR, HAND_WRITTEN):
            imports = (
                _series(samples, variant, smallest, "cold").median
                - _series(samples, variant, smallest, "warm").median
            )
            result.measurements.append((f"{variant}: one-time imports of a fresh parser", f"{imports:.2f} s"))
        if largest > smallest:
            result.measurements.append(_timeout_projection(samples, smallest, largest))
    return result


def _timeout_projection(samples: list[dict[str, Any]], smallest: int, largest: int) -> tuple[str, str]:
    """How many specs fit in the default import timeout, extrapolated linearly (cold parses)."""
    low = _series(samples, GENERATOR, smallest, "cold").median
    high = _series(samples, GENERATOR, largest, "cold").median
    per_spec = (high - low) / (largest - smallest)
    fit = smallest + (IMPORT_TIMEOUT_SECONDS - low) / per_spec
    return (
        f"generator: specs that fit in the default {IMPORT_TIMEOUT_SECONDS:.0f} s dagbag_import_timeout",
        f"about {fit:,.0f} (linear extrapolation, {per_spec * 1e3:.1f} ms a spec, on this machine)",
    )


def _series(samples: list[dict[str, Any]], variant: str, count: int, kind: str) -> Stats:
    """One value per round: the cold parse, or the median of that fork's warm parses."""
    chosen = [sample for sample in samples if sample["variant"] == variant and sample["count"] == count]
    if kind == "cold":
        return Stats(tuple(sample["cold"] for sample in chosen))
    return Stats(tuple(statistics.median(sample["warm"]) for sample in chosen))


def _measure(scratch: Path, sizes: Sizes) -> list[dict[str, Any]]:
    output_file = scratch / "samples.json"
    settings = {
        "work": str(scratch / "work"),
        "counts": list(sizes.counts),
        "rounds": sizes.rounds,
        "warm": sizes.warm,
        "fresh_imports": sizes.fresh_imports,
        "output": str(output_file),
    }
    settings_file = scratch / "settings.json"
    settings_file.write_text(json.dumps(settings), encoding="utf-8")
    log = scratch / "parse-child.log"
    with open(log, "wb") as output:
        completed = subprocess.run(
            [python(), "-m", "bench.parse_child", str(settings_file)],
            cwd=REPO,
            env=_airflow_environment(scratch),
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=1800,
            check=False,
        )
    if completed.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-4000:]
        raise RuntimeError(f"the parse child failed with exit code {completed.returncode}:\n{tail}")
    samples: list[dict[str, Any]] = json.loads(output_file.read_text(encoding="utf-8"))
    return samples


def _airflow_environment(scratch: Path) -> dict[str, str]:
    """A fresh Airflow: none of this shell's Airflow settings, its own home, no example DAGs."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AIRFLOW", "_AIRFLOW", "PYTEST"))
    }
    env.update(
        AIRFLOW_HOME=str(scratch / "airflow-home"),
        AIRFLOW__CORE__DAGS_FOLDER=str(scratch / "work"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
        PYTHONPATH=str(REPO),
        **CONFIGURATION,
    )
    return env
