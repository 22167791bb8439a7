"""What an Airflow with N deployments has, made fast: ``python -m bench.deployments_db WORK COUNT``.

A migrated SQLite metadata database with N DAGs (as the dag-processor stores them) and a
failed run each (with its failure reason and resolved version, as the operator leaves them),
and N spec files written by the store. Going through the deploy API, the dag-processor and the
scheduler would take minutes per hundred deployments and measure them instead; this writes
the same rows with Airflow's own functions (``update_dag_parsing_results_in_db``, what the
dag-processor calls, and ``trigger_dag``, what ``airflow dags trigger`` calls).

A one-off deployment's run gets the id the API server's one-off trigger would give it, so the
server's start-up sweep finds it there and makes no second run while pages are timed.

It runs in a process with the Airflow configuration of ``environment`` (Airflow's configuration
and ORM are global): the list API benchmark's child calls ``prepare``, the pages benchmark runs
this module before it starts Airflow's API server on the same folder.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

from airflow_jobs_provider.deployments.store import StoredDeployment

BATCH = 200
FAILURE_REASON = "the job exited with code 3"
RESOLVED_VERSION = "2.0.1"
ADMIN = "admin"
ADMIN_PASSWORD = "bench-admin-pw"


def environment(work: Path) -> dict[str, str]:
    """The Airflow configuration of every process that uses ``work``, as environment variables."""
    from bench.specs import CONFIGURATION

    return {
        **os.environ,
        **CONFIGURATION,
        "AIRFLOW_HOME": str(work / "airflow"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{work / 'airflow.db'}",
        "AIRFLOW__CORE__AUTH_MANAGER": (
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
        ),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(work / "passwords.json"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(work / "dags"),
        "AIRFLOW__API_AUTH__JWT_SECRET": "bench-" + "x" * 60,
        "AIRFLOW__API__BASE_URL": "http://airflow.bench",
        "AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER": str(work / "specs"),
    }


def prepare(work: Path, count: int) -> None:
    """Database, spec files, DAGs and runs for ``count`` deployments in ``work``."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.utils.db import initdb

    from bench.specs import write_specs

    (work / "passwords.json").write_text(json.dumps({ADMIN: ADMIN_PASSWORD}), encoding="utf-8")
    initdb()
    DagBundlesManager().sync_bundles_to_db()
    entries = write_specs(work / "specs", count).list()
    deployments = [entry for entry in entries if isinstance(entry, StoredDeployment)]
    for start in range(0, len(deployments), BATCH):
        _store_dags(deployments[start : start + BATCH])


def _store_dags(deployments: list[StoredDeployment]) -> None:
    """As the dag-processor stores them, each with a failed run as the scheduler and operator leave it."""
    import pendulum
    from airflow.api.common.trigger_dag import trigger_dag
    from airflow.dag_processing.collection import update_dag_parsing_results_in_db
    from airflow.models.xcom import XComModel
    from airflow.providers.standard.operators.empty import EmptyOperator
    from airflow.sdk import DAG
    from airflow.serialization.serialized_objects import LazyDeserializedDAG
    from airflow.utils.session import create_session
    from airflow.utils.types import DagRunTriggeredByType

    from airflow_jobs_provider.plugin.one_off import one_off_run_id

    dags = []
    for deployment in deployments:
        with DAG(
            deployment.spec.dag_id, schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC")
        ) as dag:
            EmptyOperator(task_id="run")
        dags.append(LazyDeserializedDAG.from_dag(dag))
    with create_session() as session:
        update_dag_parsing_results_in_db("dags-folder", None, dags, {}, None, set(), session=session)
    with create_session() as session:
        for deployment in deployments:
            dag_id = deployment.spec.dag_id
            one_off = deployment.spec.airflow_schedule is None
            run = trigger_dag(
                dag_id,
                run_id=one_off_run_id(deployment) if one_off else None,
                triggered_by=DagRunTriggeredByType.REST_API,
                session=session,
            )
            assert run is not None
            run.state = "failed"
            run.start_date = run.end_date = datetime(2024, 5, 1, tzinfo=timezone.utc)
            for ti in run.get_task_instances(session=session):
                ti.state, ti.try_number = "failed", 1
            session.flush()
            for key, value in (("failure_reason", FAILURE_REASON), ("artifact_version", RESOLVED_VERSION)):
                XComModel.set(key, value, dag_id=dag_id, task_id="run", run_id=run.run_id, session=session)


if __name__ == "__main__":
    prepare(Path(sys.argv[1]), int(sys.argv[2]))
