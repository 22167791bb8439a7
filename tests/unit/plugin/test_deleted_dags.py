"""A deleted deployment's DAG stays out of Airflow even when a parse begun before the delete writes it back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from airflow_jobs_provider.deployments import store as store_module
from airflow_jobs_provider.deployments.spec import validate_spec
from airflow_jobs_provider.deployments.store import SpecStore
from airflow_jobs_provider.plugin.deleted_dags import DeletedDags
from tests.integration.airflow_stack import wait_until
from tests.unit.plugin.conftest import Api, local_spec, sync_dags


def is_stale(dag_id: str) -> bool:
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return bool(session.scalar(select(DagModel.is_stale).where(DagModel.dag_id == dag_id)))


def test_a_dag_written_back_after_the_delete_is_marked_stale_again(
    api: Callable[..., Api], host_app: FastAPI
) -> None:
    keeper: DeletedDags = host_app.state.deleted_dags
    assert api()("POST", "/deployments", json=local_spec("gone")).status_code == 201
    sync_dags("gone")
    assert api()("DELETE", "/deployments/gone").status_code == 204
    assert is_stale("job_gone")
    assert keeper.kept() == {"job_gone"}

    sync_dags("gone")  # what a parse that listed the specs folder before the delete writes when it ends
    wait_until(lambda: is_stale("job_gone"), timeout=20, description="job_gone stale again")

    assert api()("POST", "/deployments", json=local_spec("gone")).status_code == 201
    assert keeper.kept() == set()  # deployed again: its DAG is wanted
    sync_dags("gone")
    assert not is_stale("job_gone")


def test_a_deployment_created_again_by_another_api_server_ends_the_watch(
    api: Callable[..., Api], host_app: FastAPI, workspace: Path
) -> None:
    keeper: DeletedDags = host_app.state.deleted_dags
    api()("POST", "/deployments", json=local_spec("back"))
    api()("DELETE", "/deployments/back")
    assert keeper.kept() == {"job_back"}
    SpecStore().create(validate_spec(local_spec("back")), "elsewhere")
    wait_until(lambda: not keeper.kept(), timeout=20, description="the keeper to let job_back go")
    sync_dags("back")
    assert not is_stale("job_back")


def test_the_watch_ends_after_its_window() -> None:
    keeper = DeletedDags(window=0.0, poll=0.05, store=SpecStore("/nonexistent"))
    keeper.deleted(["job_short"])
    keeper.start()
    try:
        wait_until(lambda: not keeper.kept(), timeout=20, description="the window to pass")
    finally:
        keeper.stop()


def test_a_deletion_recorded_before_the_app_starts_is_watched_after_start(
    host_app: FastAPI, workspace: Path
) -> None:
    """An API server restarted within the window resumes the watch from the specs folder's history."""
    keeper: DeletedDags = host_app.state.deleted_dags
    store = SpecStore()
    for name in ("earlier", "again"):
        store.create(validate_spec(local_spec(name)), "alice")
        store.delete(name, "alice")
    store.create(validate_spec(local_spec("again")), "alice")
    try:
        with TestClient(host_app, base_url="http://airflow.test"):
            assert keeper.kept() == {"job_earlier"}
    finally:
        for dag_id in keeper.kept():
            keeper.created(dag_id)


def test_a_deletion_older_than_the_window_is_not_watched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SpecStore(tmp_path)
    monkeypatch.setattr(store_module, "_now", lambda: datetime.now(timezone.utc) - timedelta(seconds=61))
    store.create(validate_spec(local_spec("long-gone")), "alice")
    store.delete("long-gone", "alice")
    keeper = DeletedDags(window=60.0, poll=0.05, store=store)
    keeper.start()
    try:
        assert keeper.kept() == set()
    finally:
        keeper.stop()
