"""The generator: a DAG per valid spec, in name order, the broken ones left out; only one under a task.

The last test parses the real ``dags/job_orchestrator_dags.py`` with Airflow's own bag in a child
process whose network and database are watched: parsing must use neither.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from airflow.models.serialized_dag import SerializedDagModel
from airflow.serialization.serialized_objects import DagSerialization

from airflow_jobs_provider.deployments import generator
from airflow_jobs_provider.deployments.secrets import InMemorySecretSink
from airflow_jobs_provider.deployments.spec import validate_spec
from airflow_jobs_provider.deployments.store import SpecStore
from tests.dag_run_process import child_environment
from tests.unit.deployments.airflow_child import REPO, run_in_child
from tests.unit.deployments.conftest import POLICY, VALID_SPEC

GENERATOR_FILE = REPO / "dags" / "job_orchestrator_dags.py"
PARSING_CONTEXT_DAG_ID = "_AIRFLOW_PARSING_CONTEXT_DAG_ID"


def _spec(name: str, **changes):
    return validate_spec({**VALID_SPEC, "name": name, "runner_image": "python:3.12-slim", **changes}, POLICY)


def _specs_folder(folder: Path) -> SpecStore:
    """Two valid deployments (created out of order), one invalid, one corrupt, one misnamed file."""
    store = SpecStore(folder, secrets=InMemorySecretSink(), policy=POLICY)
    store.create(_spec("beta", schedule="@daily"), "ci-bot")
    store.create(_spec("alpha", executor="local", runner_image=None), "ci-bot")
    store.create(_spec("gamma"), "ci-bot")
    gamma = folder / "gamma.yaml"
    gamma.write_text(gamma.read_text().replace("executor: kubernetes", "executor: docker"))
    (folder / "delta.yaml").write_text("format: 1\nrevision: [unclosed\n")
    (folder / "Not_A_Name.yaml").write_text("whatever")
    return store


@pytest.fixture
def store(tmp_path) -> SpecStore:
    return _specs_folder(tmp_path / "specs")


def test_a_dag_per_valid_spec_in_name_order_broken_ones_logged(store, caplog):
    namespace: dict = {}
    with caplog.at_level(logging.WARNING, logger=generator.__name__):
        dags = generator.register_dags(namespace, store)
    assert [dag.dag_id for dag in dags] == ["job_alpha", "job_beta"]
    assert list(namespace) == ["job_alpha", "job_beta"]
    assert namespace["job_beta"].get_task("run").__class__.__name__ == "NexusKubernetesOperator"
    warnings = {record.getMessage().split(" ", 2)[1] for record in caplog.records}
    assert warnings == {"gamma", "delta", "Not_A_Name"}
    assert "executor: Input should be 'kubernetes' or 'local'" in caplog.text


def test_a_dag_that_cannot_be_built_costs_only_itself(store, monkeypatch, caplog):
    build = generator.build_dag

    def failing_for_alpha(stored):
        if stored.name == "alpha":
            raise RuntimeError("boom")
        return build(stored)

    monkeypatch.setattr(generator, "build_dag", failing_for_alpha)
    with caplog.at_level(logging.ERROR, logger=generator.__name__):
        dags = generator.register_dags({}, store)
    assert [dag.dag_id for dag in dags] == ["job_beta"]
    assert "Deployment alpha is left out, its DAG cannot be built" in caplog.text


def test_under_a_tasks_parsing_context_only_its_dag_is_built(store, monkeypatch, caplog):
    monkeypatch.setenv(PARSING_CONTEXT_DAG_ID, "job_beta")
    monkeypatch.setattr(SpecStore, "list", lambda self: pytest.fail("listed every spec for one task"))
    namespace: dict = {}
    with caplog.at_level(logging.WARNING, logger=generator.__name__):
        generator.register_dags(namespace, store)
    assert list(namespace) == ["job_beta"]
    assert not caplog.records, "the other, broken specs were not even read"


@pytest.mark.parametrize("dag_id", ["job_removed-meanwhile", "example_local_jobs", "job_Not_A_Name"])
def test_under_a_parsing_context_for_no_deployment_nothing_is_built(store, monkeypatch, dag_id):
    monkeypatch.setenv(PARSING_CONTEXT_DAG_ID, dag_id)
    assert generator.register_dags({}, store) == []


def test_parsing_again_gives_the_same_serialized_dags(store):
    """Airflow makes a new DAG version whenever the serialized DAG changes: a parse must not."""

    def hashes() -> list[str]:
        dags = generator.register_dags({}, store)
        return [SerializedDagModel.hash(DagSerialization.to_dict(dag)) for dag in dags]

    first = hashes()
    assert len(first) == 2
    assert hashes() == first


# Runs in the child: watch every socket connect and every database connection, parse with DagBag,
# then prove the watch sees both kinds of access.
_PARSE_CHILD = """
import json, socket, sys
from sqlalchemy import event
from tests.unit.deployments.airflow_child import MARKER
from sqlalchemy.engine import Engine

attempts = {"sockets": [], "database": 0}
def no_network(self, address, *args):
    attempts["sockets"].append(repr(address))
    raise OSError("no network while parsing")
socket.socket.connect = no_network
socket.socket.connect_ex = no_network
event.listen(Engine, "connect", lambda *args: attempts.__setitem__("database", attempts["database"] + 1))

from pathlib import Path
from airflow.dag_processing.dagbag import BundleDagBag
dag_file = Path(sys.argv[1])
bag = BundleDagBag(dag_folder=dag_file, bundle_path=dag_file.parent, bundle_name="dags-folder", safe_mode=True)
parsed = {"dags": list(bag.dags), "errors": bag.import_errors, "attempts": json.loads(json.dumps(attempts))}

from airflow import settings
try:
    socket.create_connection(("127.0.0.1", 9), timeout=1)
except OSError:
    pass
settings.engine.connect().close()
parsed["watch_works"] = len(attempts["sockets"]) == 1 + len(parsed["attempts"]["sockets"]) and (
    attempts["database"] > parsed["attempts"]["database"]
)
print(MARKER + json.dumps(parsed))
"""


def test_parsing_the_generator_file_uses_no_network_and_no_database(tmp_path):
    _specs_folder(tmp_path / "specs")
    env = child_environment(
        tmp_path / "airflow-home",
        GENERATOR_FILE.parent,
        {"AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER": str(tmp_path / "specs")},
    )
    parsed = run_in_child(_PARSE_CHILD, str(GENERATOR_FILE), env=env)
    assert sorted(parsed["dags"]) == ["job_alpha", "job_beta"]  # DagBag keeps its own order
    assert parsed["errors"] == {}
    assert parsed["attempts"] == {"sockets": [], "database": 0}
    assert parsed["watch_works"]


def test_a_task_of_a_deleted_deployment_fails_saying_it_was_deleted(store, monkeypatch):
    """A run that started after the delete (its DAG briefly revived) finds a task that says why it fails."""
    from airflow.sdk.exceptions import AirflowFailException

    store.delete("beta", "dora")
    (deletion,) = [revision for revision in store.history("beta") if revision.action == "delete"]
    monkeypatch.setenv(PARSING_CONTEXT_DAG_ID, "job_beta")
    namespace: dict = {}
    (dag,) = generator.register_dags(namespace, store)
    assert namespace == {"job_beta": dag}
    task = dag.get_task("run")
    assert task.retries == 0
    with pytest.raises(AirflowFailException) as failure:
        task.execute({})
    assert str(failure.value) == (
        f"deployment beta was deleted (revision 2, by dora at {deletion.deployed_at.isoformat()}); "
        "this run of it does nothing"
    )
    monkeypatch.delenv(PARSING_CONTEXT_DAG_ID)
    assert [dag.dag_id for dag in generator.register_dags({}, store)] == ["job_alpha"]  # never listed
