"""The benchmarks still run: each once at its smallest size. No timing is checked here, ever:
speed is measured in ``bench/`` as ratios, never asserted in a test. Those that start Airflow's
API server and Chromium run in ``tests/integration/test_bench_pages.py``."""

from __future__ import annotations

import json
import shutil

import pytest

from bench import run


@pytest.fixture(scope="module")
def smoke_results():
    return run.run_benchmarks(run.WITHOUT_SERVERS, smoke=True)


def test_every_benchmark_compares_with_its_reference(smoke_results):
    assert [result.name for result in smoke_results] == list(run.WITHOUT_SERVERS)
    for result in smoke_results:
        assert result.comparisons, result.name
        for comparison in result.comparisons:
            assert comparison.candidate_stats.values and comparison.reference_stats.values
            assert len(comparison.ratios.values) == len(comparison.candidate_stats.values)
        assert result.conditions["cores"] and result.conditions["python"]


def test_results_are_written_to_the_readme_section_and_kept_per_benchmark(smoke_results, tmp_path):
    readme = tmp_path / "README.md"
    shutil.copyfile(run.README, readme)
    results_file = tmp_path / "results.json"
    results_file.write_text(
        json.dumps(
            {
                "benchmarks": {
                    "older": {
                        "name": "older",
                        "title": "kept",
                        "comparisons": [],
                        "measurements": [],
                        "notes": [],
                        "conditions": {},
                    }
                }
            }
        )
    )

    run.update_files(smoke_results, results_file, readme)
    run.update_files(smoke_results[:1], results_file, readme)

    stored = json.loads(results_file.read_text())["benchmarks"]
    assert list(stored) == [*run.WITHOUT_SERVERS, "older"]
    text = readme.read_text()
    assert text.count(run.START) == 1 and text.count(run.END) == 1
    for name in run.WITHOUT_SERVERS:
        assert f"#### `{name}`" in text
    assert text.split(run.END, 1)[1] == run.README.read_text().split(run.END, 1)[1]
