"""Each deployment's status from Airflow's database, its cost in queries, and the actions on its DAG."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.integration.airflow_stack import wait_until
from tests.unit.plugin.conftest import Api, local_spec, sync_dags

REASON = "the job exited with code 3"


def finish_run(name: str, run_state: str, task_state: str, reason: str | None = None) -> str:
    """A run of the deployment's DAG, ended as given, as the scheduler and the operator leave it."""
    from airflow.api.common.trigger_dag import trigger_dag
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from airflow.utils.types import DagRunTriggeredByType
    from sqlalchemy import update

    dag_id = f"job_{name}"
    with create_session() as session:
        run = trigger_dag(dag_id, triggered_by=DagRunTriggeredByType.REST_API, session=session)
        assert run is not None
        run.state = run_state
        run.start_date = datetime(2024, 5, 1, 3, 0, tzinfo=timezone.utc)
        run.end_date = datetime(2024, 5, 1, 3, 5, tzinfo=timezone.utc)
        session.execute(
            update(TaskInstance)
            .where(TaskInstance.dag_id == dag_id, TaskInstance.run_id == run.run_id)
            .values(state=task_state, try_number=1, start_date=run.start_date, end_date=run.end_date)
        )
        session.flush()
        if reason is not None:
            XComModel.set(
                "failure_reason", reason, dag_id=dag_id, task_id="run", run_id=run.run_id, session=session
            )
        return run.run_id


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """Every SQL statement Airflow's engine runs meanwhile."""
    from airflow import settings
    from sqlalchemy import event

    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(settings.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(settings.engine, "before_cursor_execute", record)


def test_status_shows_the_latest_run_its_task_log_link_and_failure_reason(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=local_spec("failing"))
    sync_dags("failing")
    finish_run("failing", "success", "success")
    run_id = finish_run("failing", "failed", "failed", REASON)

    status = api("viewer")("GET", "/deployments/failing").json()["status"]
    run = status["latest_run"]
    assert status["dag_state"] == "active"
    assert run["run_id"] == run_id and run["state"] == "failed" and run["run_type"] == "manual"
    assert (run["task_id"], run["task_state"], run["try_number"]) == ("run", "failed", 1)
    assert run["failure_reason"] == REASON
    assert run["start_date"] == "2024-05-01T03:00:00Z" and run["end_date"] == "2024-05-01T03:05:00Z"
    # Airflow 3's task instance page, whose first tab is the log of that try
    link = urlsplit(run["log_url"])
    assert (link.scheme, link.netloc, link.query) == ("http", "airflow.test", "try_number=1")
    assert unquote(link.path) == f"/dags/job_failing/runs/{run_id}/tasks/run"


def test_without_a_configured_base_url_links_use_the_address_asked(
    api: Callable[..., Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "")
    api()("POST", "/deployments", json=local_spec("linked"))
    sync_dags("linked")
    finish_run("linked", "success", "success")
    answer = api()("GET", "/deployments/linked", headers={"Host": "airflow.example.org:8080"})
    log_url = answer.json()["status"]["latest_run"]["log_url"]
    assert log_url.startswith("http://airflow.example.org:8080/dags/job_linked/runs/")


def test_status_of_a_dag_not_parsed_yet_and_of_a_paused_one(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=local_spec("waiting"))
    api()("POST", "/deployments", json=local_spec("resting"))
    sync_dags("resting", paused=True)
    listed = {d["name"]: d["status"] for d in api()("GET", "/deployments").json()["deployments"]}
    assert listed["waiting"] == {"dag_state": "pending", "next_run_after": None, "latest_run": None}
    assert listed["resting"]["dag_state"] == "paused"


def test_listing_costs_the_same_queries_for_3_or_12_deployments(api: Callable[..., Api]) -> None:
    def deploy(names: list[str]) -> None:
        for name in names:
            api()("POST", "/deployments", json=local_spec(name))
        sync_dags(*names)
        for name in names:
            finish_run(name, "failed", "failed", REASON)

    deploy([f"few-{i}" for i in range(3)])
    with counted_queries() as few:
        assert len(api()("GET", "/deployments").json()["deployments"]) == 3
    deploy([f"many-{i}" for i in range(9)])
    with counted_queries() as many:
        listed = api()("GET", "/deployments").json()["deployments"]
    assert len(listed) == 12
    assert all(d["status"]["latest_run"]["failure_reason"] == REASON for d in listed)
    # the token's revocation check, the DAGs' teams, the DAGs, the change marker of the ETag,
    # latest runs, their tasks, their XComs
    assert len(many) == len(few) == 7, many


def test_run_now_queues_a_run(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=local_spec("runner"))
    not_yet = api("editor")("POST", "/deployments/runner/run")
    assert not_yet.status_code == 409 and not_yet.headers["retry-after"] == "5"
    assert "has not parsed the DAG of 'runner' yet" in not_yet.json()["detail"]

    sync_dags("runner")
    started = api("editor")("POST", "/deployments/runner/run")
    assert started.status_code == 202, started.text
    body = started.json()
    assert body["dag_id"] == "job_runner" and body["state"] == "queued"
    latest = api()("GET", "/deployments/runner").json()["status"]["latest_run"]
    assert latest["run_id"] == body["run_id"] and latest["state"] == "queued"
    assert latest["log_url"] is None  # no try yet


def test_pause_and_resume(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=local_spec("toggled"))
    assert api()("POST", "/deployments/toggled/pause").status_code == 409  # not parsed yet
    sync_dags("toggled")
    paused = api("editor")("POST", "/deployments/toggled/pause")
    assert paused.status_code == 200 and paused.json()["dag_state"] == "paused"
    refused = api("editor")("POST", "/deployments/toggled/run")
    assert refused.status_code == 409 and refused.json()["detail"] == "'toggled' is paused: resume it first"
    resumed = api("editor")("POST", "/deployments/toggled/resume")
    assert resumed.json()["dag_state"] == "active"
    assert api()("GET", "/deployments/toggled").json()["status"]["dag_state"] == "active"


def test_actions_on_a_missing_deployment_are_404(api: Callable[..., Api]) -> None:
    for action in ("run", "pause", "resume"):
        assert api()("POST", f"/deployments/ghost/{action}").status_code == 404


def runs_of(dag_id: str) -> list[str]:
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return list(session.scalars(select(DagRun.run_id).where(DagRun.dag_id == dag_id)))


def test_a_one_off_deployment_runs_once_when_its_dag_appears(api: Callable[..., Api]) -> None:
    created = api()("POST", "/deployments", json=local_spec("once", schedule="none")).json()
    assert created["kind"] == "one-off"
    assert runs_of("job_once") == []
    sync_dags("once")  # the dag-processor parses the spec
    (run_id,) = wait_until(lambda: runs_of("job_once"), timeout=20, description="the one-off run")
    assert run_id == f"deploy__r1__{created['deployed_at'].replace('Z', '+00:00')}"

    redeployed = api()(
        "PUT",
        "/deployments/once",
        json={"revision": 1, "spec": local_spec("once", schedule="none", args=["2"])},
    )
    assert redeployed.status_code == 200
    # the DAG exists already: the new revision runs at once
    wait_until(lambda: len(runs_of("job_once")) == 2, timeout=20, description="the redeployed run")
    assert sorted(r.split("__")[1] for r in runs_of("job_once")) == ["r1", "r2"]


def test_the_one_off_sweep_at_start_up_runs_what_a_restart_missed(api: Callable[..., Api]) -> None:
    from airflow_jobs_provider.deployments.spec import validate_spec
    from airflow_jobs_provider.deployments.store import SpecStore
    from airflow_jobs_provider.plugin.one_off import OneOffTrigger

    stored = SpecStore().create(validate_spec(local_spec("missed", schedule="none")), "someone")
    sync_dags("missed")
    trigger = OneOffTrigger(timeout=30, poll=0.05)
    trigger.start([stored])
    try:
        wait_until(lambda: runs_of("job_missed"), timeout=20, description="the missed run")
        wait_until(lambda: not trigger.pending(), timeout=20, description="the trigger to finish")
    finally:
        trigger.stop()
    again = OneOffTrigger(timeout=30, poll=0.05)  # a second API server process: no second run
    again.start([stored])
    try:
        wait_until(lambda: not again.pending(), timeout=20, description="the second trigger to finish")
    finally:
        again.stop()
    assert len(runs_of("job_missed")) == 1


def test_a_spec_file_that_breaks_shows_invalid_at_once(api: Callable[..., Api], workspace: Path) -> None:
    api()("POST", "/deployments", json=local_spec("breaks"))
    sync_dags("breaks")
    assert api()("GET", "/deployments/breaks").json()["status"]["dag_state"] == "active"
    (workspace / "specs" / "breaks.yaml").write_bytes(b"\xff\xfe not text")
    shown = api()("GET", "/deployments/breaks").json()
    assert shown["valid"] is False and shown["error"].startswith("cannot be read")
    assert shown["status"]["dag_state"] == "invalid" and shown["status"]["next_run_after"] is None
    (listed,) = api()("GET", "/deployments").json()["deployments"]
    assert listed["status"]["dag_state"] == "invalid"
