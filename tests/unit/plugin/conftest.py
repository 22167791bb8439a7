"""The plugin's app in-process, authenticated the way Airflow's API server does it.

A host app stands in for Airflow's API server: the real simple auth manager (its ``/auth``
app, real JWTs), the app mounted under its prefix and Airflow's cookie middleware, with
Airflow's lifespan. Airflow's full app would add 800 routes and 15 s without changing
anything our routes see. The metadata database is a fresh SQLite file for this package.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest
from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails
from airflow.api_fastapi.auth.managers.simple.simple_auth_manager import SimpleAuthManager
from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
from fastapi import FastAPI
from fastapi.testclient import TestClient

from airflow_jobs_provider.plugin.airflow_plugin import URL_PREFIX
from airflow_jobs_provider.plugin.app import API_PREFIX, create_app
from airflow_jobs_provider.plugin.deleted_dags import DeletedDags
from airflow_jobs_provider.plugin.one_off import OneOffTrigger
from airflow_jobs_provider.plugin.releases import ReleaseWatch
from examples.seed import seed

# The simple auth manager's roles: ``user`` edits and runs DAGs, ``op`` also reads connections.
USERS = {"admin": "admin", "editor": "user", "viewer": "viewer", "operator": "op", "deployer": "user"}
CSRF = {"X-Job-Orchestrator": "1"}


class NoRunsForDeployerAuthManager(SimpleAuthManager):
    """Airflow's simple auth manager, except that ``deployer`` may edit DAGs but not run them.

    The simple auth manager has no such role; FAB has it (a role with "can edit on DAGs" and
    without "can create on DAG Runs"). Everything else is the simple auth manager's own answer.
    """

    def is_authorized_dag(
        self,
        *,
        method: Any,
        user: SimpleAuthManagerUser,
        access_entity: DagAccessEntity | None = None,
        details: DagDetails | None = None,
    ) -> bool:
        if user.get_name() == "deployer" and access_entity is DagAccessEntity.RUN and method != "GET":
            return False
        return super().is_authorized_dag(
            method=method, user=user, access_entity=access_entity, details=details
        )


# Long enough for a test to write a DAG back "as a parse begun before the delete would" and see it undone.
DELETED_DAGS_WINDOW = 60.0


@pytest.fixture(scope="package")
def airflow_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A migrated SQLite metadata database, and the simple auth manager, for this package only."""
    from airflow import settings

    home = tmp_path_factory.mktemp("airflow-home")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {
            "DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "CORE__AUTH_MANAGER": f"{__name__}.{NoRunsForDeployerAuthManager.__name__}",
            "CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(f"{u}:{r}" for u, r in USERS.items()),
            "CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / "passwords.json"),
            "API_AUTH__JWT_SECRET": secrets.token_urlsafe(64),
            "API__BASE_URL": "http://airflow.test",
            "CORE__DAGS_FOLDER": str(home / "dags"),
        }.items():
            patch.setenv(f"AIRFLOW__{key}", value)
        settings.configure_vars()
        settings.reconfigure_orm()
        try:
            from airflow.dag_processing.bundles.manager import DagBundlesManager
            from airflow.utils.db import initdb

            initdb()
            DagBundlesManager().sync_bundles_to_db()
            yield
        finally:
            patch.undo()
            settings.configure_vars()
            settings.reconfigure_orm()


@pytest.fixture(scope="package")
def host_app(airflow_db: None) -> Iterator[FastAPI]:
    from airflow.api_fastapi.app import init_auth_manager, lifespan, purge_cached_app
    from airflow.api_fastapi.auth.middlewares.refresh_token import JWTRefreshMiddleware

    host = FastAPI(lifespan=lifespan)
    init_auth_manager(host)
    host.state.one_off = OneOffTrigger(timeout=30, poll=0.05)
    host.state.deleted_dags = DeletedDags(window=DELETED_DAGS_WINDOW, poll=0.05)
    host.state.releases = ReleaseWatch(poll=0.05)
    host.mount(URL_PREFIX, create_app(host.state.one_off, host.state.deleted_dags, host.state.releases))
    host.add_middleware(JWTRefreshMiddleware)
    yield host
    purge_cached_app()  # the auth manager is a process-wide singleton: leave none behind


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty specs folder and the seeded example artifacts as the local source."""
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER", str(tmp_path / "specs"))
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT", str(tmp_path / "artifacts"))
    seed(tmp_path / "artifacts")
    return tmp_path


def token_for(username: str) -> str:
    """A real JWT of the simple auth manager, as ``POST /auth/token`` hands out."""
    from airflow.api_fastapi.app import get_auth_manager

    return get_auth_manager().generate_jwt(SimpleAuthManagerUser(username=username, role=USERS[username]))


class Api:
    """Requests to the plugin's API as one user (``None``: anonymous), by Bearer token or cookie."""

    def __init__(self, client: TestClient, username: str | None, *, cookie: bool = False) -> None:
        self.client = client
        self.headers: dict[str, str] = {}
        self.cookies: dict[str, str] = {}
        if username is not None and cookie:
            self.cookies["_token"] = token_for(username)
        elif username is not None:
            self.headers["Authorization"] = f"Bearer {token_for(username)}"

    def __call__(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        self.client.cookies.clear()
        for name, value in self.cookies.items():
            self.client.cookies.set(name, value)
        return self.client.request(method, f"{URL_PREFIX}{API_PREFIX}{path}", headers=headers, **kwargs)


@pytest.fixture
def client(host_app: FastAPI, workspace: Path) -> Iterator[TestClient]:
    with TestClient(host_app, base_url="http://airflow.test") as test_client:
        yield test_client
    # The next test has another specs folder: what the threads still wait for is not in it,
    # and their polling would count in its queries.
    trigger: OneOffTrigger = host_app.state.one_off
    for dag_id in trigger.pending():
        trigger.cancel(dag_id)
    keeper: DeletedDags = host_app.state.deleted_dags
    for dag_id in keeper.kept():
        keeper.created(dag_id)
    _delete_job_dags()


@pytest.fixture
def api(client: TestClient) -> Callable[..., Api]:
    """``api("editor")("POST", "/deployments", json=...)``; ``api(None)`` sends no credential."""
    return lambda username="admin", cookie=False: Api(client, username, cookie=cookie)


def local_spec(name: str, /, **changes: Any) -> dict[str, Any]:
    """A valid spec running the seeded ``hello-python`` example on the Airflow worker."""
    return {
        "name": name,
        "artifact": {
            "source": "local",
            "repository": "examples",
            "group": "org.example.jobs",
            "name": "hello-python",
            "version": "1.1.0",
        },
        "executor": "local",
        "schedule": "@daily",
        **changes,
    }


def sync_dags(*names: str, paused: bool = False) -> None:
    """Stand in for the dag-processor: put a one-task DAG per deployment name into the database."""
    from airflow.dag_processing.collection import update_dag_parsing_results_in_db
    from airflow.models.dag import DagModel
    from airflow.providers.standard.operators.empty import EmptyOperator
    from airflow.sdk import DAG
    from airflow.serialization.serialized_objects import LazyDeserializedDAG
    from airflow.utils.session import create_session
    from sqlalchemy import update

    dags = []
    for name in names:
        with DAG(f"job_{name}", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC")) as dag:
            EmptyOperator(task_id="run")
        dags.append(LazyDeserializedDAG.from_dag(dag))
    with create_session() as session:
        update_dag_parsing_results_in_db("dags-folder", None, dags, {}, None, set(), session=session)
        session.execute(
            update(DagModel).where(DagModel.dag_id.in_([f"job_{n}" for n in names])).values(is_paused=paused)
        )


def _delete_job_dags() -> None:
    from airflow.api.common.delete_dag import delete_dag
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        dag_ids = list(
            session.scalars(select(DagModel.dag_id).where(DagModel.dag_id.like("job\\_%", escape="\\")))
        )
    for dag_id in dag_ids:
        delete_dag(dag_id)
