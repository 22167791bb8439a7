"""A reparse request lands in a real, migrated metadata database, where the DAG processor claims it.

One child process gets its own AIRFLOW_HOME and SQLite database (migrated by Airflow itself),
runs every scenario and reports what the database holds afterwards.
"""

from __future__ import annotations

import pytest

from tests.dag_run_process import child_environment
from tests.unit.deployments.airflow_child import run_in_child

_CHILD = """
import json, os
from airflow.utils import db
from tests.unit.deployments.airflow_child import MARKER
db.upgradedb()

from sqlalchemy import select
from airflow.dag_processing.bundles.manager import DagBundlesManager
from airflow.dag_processing.manager import DagFileProcessorManager
from airflow.models.dag import DagModel
from airflow.models.dagbag import DagPriorityParsingRequest
from airflow.utils.session import create_session
from airflow_jobs_provider.deployments.reparse import ReparseError, request_reparse

DagBundlesManager().sync_bundles_to_db()
with create_session() as session:
    for dag_id in ("job_gone", "job_kept", "example_other"):
        session.add(DagModel(dag_id=dag_id, bundle_name="dags-folder", fileloc="/dags/x.py",
                             relative_fileloc="job_orchestrator_dags.py", is_stale=False))

def requests():
    with create_session() as session:
        return [[r.bundle_name, r.relative_fileloc] for r in session.scalars(select(DagPriorityParsingRequest))]

result = {}
location = request_reparse(removed_dag_ids=["job_gone"])
result["location"] = [location.bundle_name, location.relative_fileloc]
request_reparse()
result["requests"] = requests()
with create_session() as session:
    result["stale"] = {dag.dag_id: dag.is_stale for dag in session.scalars(select(DagModel))}

try:
    request_reparse(removed_dag_ids=["example_other"])
except ValueError as exc:
    result["foreign"] = str(exc)
os.environ["AIRFLOW__JOB_ORCHESTRATOR__GENERATOR_BUNDLE"] = "no-such-bundle"
try:
    request_reparse()
except ReparseError as exc:
    result["unknown_bundle"] = str(exc)

# What the DAG processor does at its next loop: claim the request, and parse that file first.
manager = DagFileProcessorManager(max_runs=1)
manager._dag_bundles = list(DagBundlesManager().get_all_dag_bundles())
claimed = manager._claim_priority_files()
result["claimed"] = [[info.bundle_name, str(info.rel_path)] for info in claimed]
result["left"] = requests()
print(MARKER + json.dumps(result))
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("reparse")
    dags = root / "dags"
    dags.mkdir()
    return run_in_child(_CHILD, env=child_environment(root / "airflow-home", dags, {}))


def test_one_request_for_the_generator_file_however_often_asked(result):
    assert result["location"] == ["dags-folder", "job_orchestrator_dags.py"]
    assert result["requests"] == [["dags-folder", "job_orchestrator_dags.py"]]


def test_the_dag_processor_claims_it(result):
    assert result["claimed"] == [["dags-folder", "job_orchestrator_dags.py"]]
    assert result["left"] == []


def test_a_deleted_deployments_dag_is_hidden_at_once(result):
    assert result["stale"] == {"job_gone": True, "job_kept": False, "example_other": False}


def test_only_deployment_dags_can_be_hidden(result):
    assert result["foreign"] == "not DAGs of deployments: example_other"


def test_a_bundle_airflow_does_not_know_is_a_configuration_error(result):
    assert result["unknown_bundle"] == (
        "[job_orchestrator] generator_bundle 'no-such-bundle' is not a configured DAG bundle (dags-folder): "
        "set it to the bundle that holds job_orchestrator_dags.py"
    )
