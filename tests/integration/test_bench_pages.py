"""The benchmarks that start Airflow's API server and Chromium still run, once at their smallest
size (3 deployments, one round). No timing is checked: speed is measured in ``bench/`` only."""

from __future__ import annotations

import pytest

from bench import deployments_page, run

pytestmark = pytest.mark.integration


def test_the_deployments_page_and_airflows_dag_list_are_timed_cold_and_warm() -> None:
    [result] = run.run_benchmarks([deployments_page.NAME], smoke=True)

    assert [comparison.case for comparison in result.comparisons] == [
        "3 deployments, cold browser cache",
        "3 deployments, warm browser cache",
    ]
    for comparison in result.comparisons:
        assert comparison.candidate.startswith(deployments_page.PLUGIN)
        assert comparison.reference.startswith(deployments_page.AIRFLOW)
        assert len(comparison.candidate_stats.values) == len(comparison.reference_stats.values) == 1
        assert all(seconds > 0 for seconds in comparison.ratios.values)
    assert dict(result.measurements)["Chromium"]


def test_every_benchmark_that_starts_servers_is_smoke_tested_here() -> None:
    assert {benchmark.name for benchmark in run.BENCHMARKS if benchmark.starts_servers} == {
        deployments_page.NAME
    }
