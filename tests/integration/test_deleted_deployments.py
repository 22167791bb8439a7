"""Deleted deployments stay deleted on a real Airflow, even when parses are under way at the delete.

The stack's DAG processor parses the generator file every few seconds, and each delete asks for
a parse too, so deletes in a row land in the middle of parses that listed the specs folder
before them: such a parse writes the DAG back as active when it ends, and the next parse does
not deactivate it before ``[dag_processor] stale_dag_threshold`` (50 s here).
"""

from __future__ import annotations

import pytest

from airflow_jobs_provider.deployments.secrets import InMemorySecretSink
from airflow_jobs_provider.deployments.store import SpecStore
from tests.integration.airflow_stack import AirflowStack, wait_until
from tests.integration.jobs_stack import jobs_api
from tests.integration.test_jobs_api import hello_spec

pytestmark = pytest.mark.integration

DELETED = [f"gone-{number:02d}-e2e" for number in range(48)]
# Well below stale_dag_threshold: without the keeper, a revived DAG would stay listed that long.
REMARK_TIMEOUT = 20.0


def listed(stack: AirflowStack, dag_ids: list[str]) -> set[str]:
    return {dag["dag_id"] for dag in stack.client.list_dags(tags="job-orchestrator")} & set(dag_ids)


def last_parsed(stack: AirflowStack, dag_id: str) -> str:
    dag = stack.client.get_dag(dag_id)
    assert dag is not None, f"{dag_id} is not listed"
    return str(dag["last_parsed_time"])


def test_deletes_during_parses_stay_deleted(jobs_stack: AirflowStack) -> None:
    api = jobs_api(jobs_stack)
    api.client.login()
    dag_ids = [f"job_{name}" for name in DELETED]
    for name in ["anchor-e2e", *DELETED]:
        api("POST", "/deployments", json=hello_spec(name), expect=[201])
    wait_until(
        lambda: listed(jobs_stack, [*dag_ids, "job_anchor-e2e"]) == {*dag_ids, "job_anchor-e2e"},
        timeout=120,
        description="every deployment's DAG listed",
        check=api.client.check,
    )

    for name in DELETED:  # each delete asks for a parse: the next deletes land during it
        api("DELETE", f"/deployments/{name}", expect=[204])

    # A parse that began after the last delete has finished once it lists a deployment made after it.
    api("POST", "/deployments", json=hello_spec("sentinel-e2e"), expect=[201])
    jobs_stack.client.wait_for_dag("job_sentinel-e2e", timeout=120)
    revived_then = listed(jobs_stack, dag_ids)
    print(f"{len(revived_then)} of {len(DELETED)} deleted DAGs listed when the first later parse ended")
    wait_until(
        lambda: not listed(jobs_stack, dag_ids),
        timeout=REMARK_TIMEOUT,
        description="no deleted deployment's DAG listed",
        check=api.client.check,
    )

    # And they stay out through later parses (which never see their specs).
    for _ in range(2):
        before = last_parsed(jobs_stack, "job_anchor-e2e")
        jobs_stack.client.request_reparse("job_anchor-e2e")
        wait_until(
            lambda before=before: last_parsed(jobs_stack, "job_anchor-e2e") != before,
            timeout=120,
            description="another parse of the generator file",
        )
        assert listed(jobs_stack, dag_ids) == set()
    for name in ["anchor-e2e", "sentinel-e2e"]:
        api("DELETE", f"/deployments/{name}", expect=[204])


def test_a_run_of_a_deleted_deployment_fails_saying_so(jobs_stack: AirflowStack) -> None:
    """The DAG is still active, as a parse begun before the delete leaves it, and a run starts."""
    api = jobs_api(jobs_stack)
    dag_id = "job_deleted-run-e2e"
    api("POST", "/deployments", json=hello_spec("deleted-run-e2e"), expect=[201])
    jobs_stack.client.wait_for_dag(dag_id, timeout=120)
    # Deleted behind the API's back, so nothing marks the DAG stale: Airflow still runs it.
    specs = SpecStore(jobs_stack.env["AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER"], secrets=InMemorySecretSink())
    specs.delete("deleted-run-e2e", "dora")

    run_id = jobs_stack.client.trigger(dag_id)["dag_run_id"]
    run = jobs_stack.client.wait_for_run(dag_id, run_id)
    assert run["state"] == "failed"
    line = jobs_stack.client.wait_for_log_line(
        dag_id, run_id, "run", "deployment deleted-run-e2e was deleted"
    )
    assert "(revision 2, by dora at " in line and "this run of it does nothing" in line
