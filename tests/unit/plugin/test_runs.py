"""A deployment's recent runs: newest first, each with its links into Airflow's UI, in bounded queries."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from tests.unit.plugin.conftest import Api, local_spec, sync_dags
from tests.unit.plugin.test_status import REASON, counted_queries, finish_run


def test_runs_are_listed_newest_first_with_grid_and_log_links(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=local_spec("busy"))
    sync_dags("busy")
    first = finish_run("busy", "success", "success")
    second = finish_run("busy", "failed", "failed", REASON)
    third = finish_run("busy", "success", "success")

    answer = api("viewer")("GET", "/deployments/busy/runs")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["name"], body["dag_id"]) == ("busy", "job_busy")
    assert [run["run_id"] for run in body["runs"]] == [third, second, first]
    failed = body["runs"][1]
    assert (failed["state"], failed["task_state"], failed["failure_reason"]) == ("failed", "failed", REASON)
    assert body["runs"][0]["failure_reason"] is None
    assert failed["logical_date"] is None  # a manual run of Airflow 3 has none unless asked
    grid = urlsplit(failed["run_url"])
    assert (grid.scheme, grid.netloc) == ("http", "airflow.test")
    assert unquote(grid.path) == f"/dags/job_busy/runs/{second}"
    assert unquote(urlsplit(failed["log_url"]).path) == f"/dags/job_busy/runs/{second}/tasks/run"

    limited = api("viewer")("GET", "/deployments/busy/runs", params={"limit": 2}).json()
    assert [run["run_id"] for run in limited["runs"]] == [third, second]


def test_runs_cost_the_same_queries_for_2_or_8_runs(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=local_spec("steady"))
    sync_dags("steady")
    for _ in range(2):
        finish_run("steady", "failed", "failed", REASON)
    with counted_queries() as few:
        assert len(api()("GET", "/deployments/steady/runs").json()["runs"]) == 2
    for _ in range(6):
        finish_run("steady", "failed", "failed", REASON)
    with counted_queries() as many:
        runs = api()("GET", "/deployments/steady/runs").json()["runs"]
    assert len(runs) == 8 and all(run["failure_reason"] == REASON for run in runs)
    # the token's revocation check, the runs, their tasks, their XComs
    assert len(many) == len(few) == 4, many


def test_runs_of_a_deployment_without_runs_unknown_or_out_of_bounds(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=local_spec("quiet"))
    assert api()("GET", "/deployments/quiet/runs").json()["runs"] == []
    assert api()("GET", "/deployments/ghost/runs").status_code == 404
    assert api()("GET", "/deployments/quiet/runs", params={"limit": 0}).status_code == 422
    assert api()("GET", "/deployments/quiet/runs", params={"limit": 101}).status_code == 422
