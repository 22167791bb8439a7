"""Run the benchmarks and write their results: ``.venv/bin/python -m bench [NAME ...] [--smoke]``.

Each run replaces its benchmarks' entries in ``bench/results.json`` and rewrites the results
section of ``bench/README.md`` from that file, so the table always shows what was measured
last, with the date and machine of each benchmark. ``--smoke`` runs minimal sizes once to
check the code works; its numbers mean nothing and are written nowhere.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import (
    api_listing,
    bundle,
    deployments_page,
    download,
    generator_parse,
    listing,
    operator_init,
    unpack,
)
from bench.common import BYTES, SECONDS, BenchResult

HERE = Path(__file__).resolve().parent
RESULTS_FILE = HERE / "results.json"
README = HERE / "README.md"
START = "<!-- results:start - written by `python -m bench` from results.json; do not edit by hand -->"
END = "<!-- results:end -->"


@dataclass(frozen=True)
class Benchmark:
    name: str
    full: Callable[[], BenchResult]
    smoke: Callable[[], BenchResult]
    # Starts Airflow's API server and Chromium: its smoke run is an integration test.
    starts_servers: bool = False


BENCHMARKS = (
    Benchmark(download.NAME, lambda: download.run(download.FULL), lambda: download.run(download.SMOKE)),
    Benchmark(unpack.NAME, lambda: unpack.run(unpack.FULL), lambda: unpack.run(unpack.SMOKE)),
    Benchmark(
        generator_parse.NAME,
        lambda: generator_parse.run(generator_parse.FULL),
        lambda: generator_parse.run(generator_parse.SMOKE),
    ),
    Benchmark(listing.NAME, lambda: listing.run(listing.FULL), lambda: listing.run(listing.SMOKE)),
    Benchmark(
        operator_init.NAME,
        lambda: operator_init.run(operator_init.FULL),
        lambda: operator_init.run(operator_init.SMOKE),
    ),
    Benchmark(
        api_listing.NAME,
        lambda: api_listing.run(api_listing.FULL),
        lambda: api_listing.run(api_listing.SMOKE),
    ),
    Benchmark(
        deployments_page.NAME,
        lambda: deployments_page.run(deployments_page.FULL),
        lambda: deployments_page.run(deployments_page.SMOKE),
        starts_servers=True,
    ),
    Benchmark(bundle.NAME, bundle.run, bundle.run),
)
NAMES = tuple(benchmark.name for benchmark in BENCHMARKS)
WITHOUT_SERVERS = tuple(benchmark.name for benchmark in BENCHMARKS if not benchmark.starts_servers)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"benchmarks to run (default all: {NAMES})")
    parser.add_argument("--smoke", action="store_true", help="minimal sizes, once; write no results")
    options = parser.parse_args(argv)
    unknown = [name for name in options.names if name not in NAMES]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    results = run_benchmarks(options.names or NAMES, smoke=options.smoke, progress=True)
    if not options.smoke:
        update_files(results)
        print(f"written: {RESULTS_FILE.relative_to(HERE.parent)}, {README.relative_to(HERE.parent)}")
    return 0


def run_benchmarks(names: Iterable[str], *, smoke: bool = False, progress: bool = False) -> list[BenchResult]:
    """The chosen benchmarks, in the suite's order."""
    chosen = set(names)
    results = []
    for benchmark in BENCHMARKS:
        if benchmark.name not in chosen:
            continue
        if progress:
            print(f"== {benchmark.name}", flush=True)
        result = benchmark.smoke() if smoke else benchmark.full()
        if progress:
            print(render_one(result.to_json()), flush=True)
        results.append(result)
    return results


def update_files(
    results: Sequence[BenchResult], results_file: Path = RESULTS_FILE, readme: Path = README
) -> None:
    """Merge into the results file (other benchmarks keep their last numbers), then the README."""
    stored: dict[str, Any] = {}
    if results_file.exists():
        stored = json.loads(results_file.read_text(encoding="utf-8")).get("benchmarks", {})
    stored.update({result.name: result.to_json() for result in results})
    ordered = {name: stored[name] for name in [*NAMES, *sorted(stored)] if name in stored}
    results_file.write_text(json.dumps({"benchmarks": ordered}, indent=1) + "\n", encoding="utf-8")
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme} has no results section ({START} … {END})")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    section = "\n\n".join(render_one(entry) for entry in ordered.values())
    readme.write_text(f"{before}{START}\n\n{section}\n\n{END}{after}", encoding="utf-8")


def render_one(entry: dict[str, Any]) -> str:
    """One benchmark's results as Markdown: conditions, the comparisons, other measurements."""
    conditions = entry["conditions"]
    lines = [
        f"#### `{entry['name']}`: {entry['title']}",
        "",
        f"{conditions.get('date', '?')} · {conditions.get('cores', '?')} cores, {conditions.get('cpu', '?')} · "
        f"Python {conditions.get('python', '?')} · {conditions.get('system', '?')} · "
        f"scratch {conditions.get('scratch') or 'temp folder'} · load average "
        f"{conditions.get('load_before', '?')} → {conditions.get('load_after', '?')} · "
        f"took {conditions.get('duration_seconds', '?')} s",
        "",
        "| case | candidate | median | reference | median | ratio | ratio min-max | spread cand. / ref. | n |",
        "|---|---|--:|---|--:|--:|--:|--:|--:|",
    ]
    for comparison in entry["comparisons"]:
        unit = comparison.get("unit", SECONDS)
        mine, theirs = comparison[f"candidate_{unit}"], comparison[f"reference_{unit}"]
        shown = _bytes if unit == BYTES else _seconds
        lines.append(
            f"| {comparison['case']} | {comparison['candidate']} | {shown(mine['median'])} "
            f"| {comparison['reference']} | {shown(theirs['median'])} "
            f"| **{comparison['ratio_median']:.2f}x** "
            f"| {comparison['ratio_min']:.2f}-{comparison['ratio_max']:.2f} "
            f"| {_spread(mine['values'])} / {_spread(theirs['values'])} | {len(mine['values'])} |"
        )
    if entry["measurements"]:
        lines.append("")
        lines += [f"- {what}: {value}" for what, value in entry["measurements"]]
    if entry["notes"]:
        lines.append("")
        lines += [f"- Note: {note}" for note in entry["notes"]]
    return "\n".join(lines)


def _seconds(value: float) -> str:
    if value < 0.01:
        return f"{value * 1e3:.2f} ms"
    if value < 1:
        return f"{value * 1e3:.0f} ms"
    return f"{value:.2f} s"


def _bytes(value: float) -> str:
    return f"{value / 1024:,.1f} KiB"


def _spread(values: Sequence[float]) -> str:
    """(max - min) / median, in per cent."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return f"{(ordered[-1] - ordered[0]) / median * 100:.0f} %" if median else "-"


if __name__ == "__main__":
    sys.exit(main())
