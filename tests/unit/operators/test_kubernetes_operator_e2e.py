"""NexusKubernetesOperator end to end: ``dag.test()`` against the fake Kubernetes API and FakeNexus.

One child Airflow process (``tests.dag_run_process``) runs a DAG with one task per case, talking
to the fake API server over HTTP through the real ``kubernetes`` client. The fake picks each
pod's behaviour by its ``task_id`` label:

- ``Process`` pods really run: the init container bootstraps the runner bundle and fetches the
  artifact from FakeNexus with the credentials of a Kubernetes Secret; the main container runs
  the job with the runner's ``exec``;
- ``Scripted`` pods play a failure (OOMKilled, eviction, deadline, image pull, scheduling,
  a missing Secret) so the task's failure reason can be checked for each.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from examples.seed import GROUP as EXAMPLES_GROUP
from examples.seed import REPOSITORY as EXAMPLES_REPOSITORY
from examples.seed import seed
from tests.dag_run_process import DagRun, run_dag_process
from tests.fakes.kubernetes_api import (
    DEFAULT_UNSCHEDULABLE,
    FakeKubernetes,
    Process,
    RecordedRequest,
    Script,
    Scripted,
)
from tests.fakes.nexus import FakeNexus
from tests.unit.operators.e2e_jobs import HOSTILE_ARGS, QUICK_POD_TIMEOUTS, job_nexus, one_report

REPOSITORY = "jobs"
GROUP = "org.example.jobs"
NEXUS_USER = "ci-reader"
NEXUS_PASSWORD = "nx-Pa55-w0rd-4711"
CREDENTIALS_SECRET = "nexus-reader"
NAMESPACE_WITHOUT_SECRET = "jobs-without-secret"
MISSING_CONFIG_SECRET = "job-settings"
MISSING_RUNNER_IMAGE = "registry.example.org/missing-runner:1.0"
HUGE_RUNNER_IMAGE = "registry.example.org/huge-runner:1.0"  # pulled only by slow_pull: never cached
TALEND_ARGS = ["--context_param", "region=north"]

DAG_FILE = """
import json
import os
from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from airflow_jobs_provider.operators.pod_options import ConfigFile

params = json.loads(os.environ["NKX_PARAMS"])
quick = params["pod_timeouts"]


def job(task_id, name, version="latest", repository=params["repository"], group=params["group"], **options):
    return NexusKubernetesOperator(
        task_id=task_id,
        artifact={"repository": repository, "group": group, "name": name, "version": version},
        workspace_path=os.path.join(params["workspaces"], task_id),
        **{**quick, **options},
    )


with DAG("nexus_kpo_e2e", schedule=None, start_date=pendulum.datetime(2024, 1, 1), catchup=False) as dag:
    job("argv_latest", "argv-job", job_args=params["hostile_args"])
    job("talend_zip", "customer-sync", version="2.0.1", job_args=params["talend_args"])
    job("exit_3", "failing-job")
    job("checksum_mismatch", "corrupt-job")
    job("oom", "argv-job", version="1.2.0")
    job("evicted", "argv-job", version="1.2.0")
    job("deadline", "argv-job", version="1.2.0", active_deadline_seconds=1)
    job("timeout", "argv-job", version="1.2.0", execution_timeout=timedelta(seconds=3), retries=0)
    job("image_pull", "argv-job", version="1.2.0", runner_image=params["missing_image"])
    job("init_image_pull", "argv-job", version="1.2.0", startup_timeout_seconds=1)
    job("unschedulable", "argv-job", version="1.2.0", schedule_timeout_seconds=1)
    job(
        "missing_secret", "argv-job", version="1.2.0",
        namespace=params["namespace_without_secret"], startup_timeout_seconds=1,
    )
    job(
        "missing_config_volume", "argv-job", version="1.2.0", startup_timeout_seconds=1,
        config_files=[ConfigFile("app.properties", params["missing_config_secret"], "app.properties", "secret")],
    )
    job("slow_pull", "argv-job", version="1.2.0", runner_image=params["huge_image"], startup_timeout_seconds=1)
"""


@dataclass
class Outcome:
    run: DagRun
    kube: FakeKubernetes
    nexus: FakeNexus
    pod_requests: list[RecordedRequest]
    workspaces: Path

    def created_pod(self, task_id: str) -> dict:
        """The pod body the fake received for this task."""
        bodies = [
            request.body
            for request in self.pod_requests
            if request.method == "POST"
            and ((request.body or {}).get("metadata") or {}).get("labels", {}).get("task_id") == task_id
        ]
        assert len(bodies) == 1, f"{task_id}: {len(bodies)} pods created"
        return bodies[0]

    def pod_name(self, task_id: str) -> str:
        return self.created_pod(task_id)["metadata"]["name"]

    def namespace(self, task_id: str) -> str:
        return self.created_pod(task_id)["metadata"].get("namespace") or "default"


def _talend_zip(folder: Path) -> bytes:
    """The seeded Talend-style export (``CustomerSync/CustomerSync_run.sh`` and friends)."""
    seed(folder)
    return (
        folder / EXAMPLES_REPOSITORY / EXAMPLES_GROUP / "customer-sync" / "2.0.1" / "customer-sync-2.0.1.zip"
    ).read_bytes()


def _scenarios(kube: FakeKubernetes) -> None:
    working = Script(["working"], run_until_killed=True)
    rules = {
        "argv_latest": Process(),
        "talend_zip": Process(),
        "exit_3": Process(),
        "checksum_mismatch": Process(),
        "oom": Scripted(containers={"base": Script.oom_killed(["allocating"])}),
        "evicted": Scripted(containers={"base": working}, evict_after=0.2),
        "deadline": Scripted(containers={"base": working}, time_scale=0.2),
        "timeout": Scripted(containers={"base": working}),
        "image_pull": Scripted(image_pull_errors={MISSING_RUNNER_IMAGE: None}),
        "init_image_pull": Scripted(containers={"fetch-artifact": Script(image_pull_error="")}),
        "unschedulable": Scripted(unschedulable=DEFAULT_UNSCHEDULABLE),
        "missing_secret": Scripted(),
        "missing_config_volume": Scripted(),
        # still pulling the runner image when KPO gives up: no failure, no warning yet
        "slow_pull": Scripted(pull_delay=30),
    }
    for task_id, scenario in rules.items():
        kube.add_scenario(scenario, selector=f"task_id={task_id}")


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    root = tmp_path_factory.mktemp("nexus-kpo")
    workspaces = root / "workspaces"  # under the temp folder, as process mode requires
    nexus = job_nexus(REPOSITORY, GROUP, NEXUS_USER, NEXUS_PASSWORD)
    kube = FakeKubernetes().start()
    try:
        nexus.add_component(
            REPOSITORY,
            GROUP,
            "customer-sync",
            "2.0.1",
            {"customer-sync-2.0.1.zip": _talend_zip(root / "seed")},
        )
        _scenarios(kube)
        kube.create_secret(CREDENTIALS_SECRET, {"username": NEXUS_USER, "password": NEXUS_PASSWORD})
        kube.create_namespace(NAMESPACE_WITHOUT_SECRET)
        connection = {
            "conn_type": "nexus",
            "host": nexus.base_url,
            "login": NEXUS_USER,
            "password": NEXUS_PASSWORD,
        }
        env = {
            "AIRFLOW_CONN_NEXUS_DEFAULT": json.dumps(connection),
            "AIRFLOW__JOB_ORCHESTRATOR__NEXUS_CREDENTIALS_SECRET": CREDENTIALS_SECRET,
            "NKX_PARAMS": json.dumps(
                {
                    "repository": REPOSITORY,
                    "group": GROUP,
                    "workspaces": str(workspaces),
                    "hostile_args": HOSTILE_ARGS,
                    "talend_args": TALEND_ARGS,
                    "missing_image": MISSING_RUNNER_IMAGE,
                    "huge_image": HUGE_RUNNER_IMAGE,
                    "namespace_without_secret": NAMESPACE_WITHOUT_SECRET,
                    "missing_config_secret": MISSING_CONFIG_SECRET,
                    "pod_timeouts": QUICK_POD_TIMEOUTS,
                }
            ),
            **kube.airflow_connection_env(),
        }
        run = run_dag_process(DAG_FILE, root=root, env=env)
        pod_requests = [request for request in kube.requests if "/pods" in request.path]
        assert not kube.errors, kube.errors
        yield Outcome(run, kube, nexus, pod_requests, workspaces)
    finally:
        kube.stop()
        nexus.stop()


def _failed_with(outcome: Outcome, task_id: str, *fragments: str) -> str:
    """The task failed with a reason holding every fragment, in XCom, the log and the exception."""
    log = outcome.run.failed(task_id)
    reason = outcome.run.xcom(task_id, "failure_reason")
    for fragment in fragments:
        assert fragment in reason, f"{fragment!r} not in the reason {reason!r}"
    pod = outcome.pod_name(task_id)
    assert f"(pod {pod}) failed: {reason}" in log, log[-5000:]
    return reason


# -- process mode: the runner really fetches from FakeNexus and runs the job -------------------------


def test_latest_resolves_to_the_newest_version_in_log_and_xcom(outcome):
    log = outcome.run.succeeded("argv_latest")
    assert "Artifact jobs/org.example.jobs:argv-job:latest resolved to version 1.10.0" in log
    assert outcome.run.xcom("argv_latest", "artifact_version") == "1.10.0"
    assert "argv-job 1.10.0 says hello" in log


def test_init_container_fetches_with_the_secret_credentials_and_logs_runner_lines(outcome):
    log = outcome.run.succeeded("argv_latest")
    assert "[fetch-artifact] [job-runner] downloading argv-job-1.10.0.py from http://127.0.0.1:" in log
    assert "[fetch-artifact] [job-runner] argv-job-1.10.0.py: sha256 verified" in log
    downloads = [r for r in outcome.nexus.requests if r.path.endswith("/argv-job-1.10.0.py")]
    # one download by the init container, logged in with the Secret's credentials
    assert [(r.user, r.status) for r in downloads] == [(NEXUS_USER, 200)]


def test_hostile_arguments_reach_the_job_unchanged(outcome):
    log = outcome.run.succeeded("argv_latest")
    assert one_report(log, "ARGV") == HOSTILE_ARGS


def test_job_container_has_no_repository_credentials(outcome):
    names = one_report(outcome.run.succeeded("argv_latest"), "ENV-NAMES")
    assert "JOB_RUN_ID" in names and "JOB_ARTIFACT_VERSION" in names
    assert not {"JOB_RUNNER_USERNAME", "JOB_RUNNER_PASSWORD"} & set(names)


def test_talend_zip_is_unpacked_and_its_run_script_runs(outcome):
    log = outcome.run.succeeded("talend_zip")
    assert "[fetch-artifact] [job-runner] customer-sync-2.0.1.zip: sha256 verified" in log
    assert (
        "customer-sync-2.0.1.zip: entrypoint jobs/1-customer-sync-2.0.1/CustomerSync/CustomerSync_run.sh"
        in log
    )
    assert "[base] CustomerSync (Talend-style export) starting in " in log
    assert "[base] context parameters: {'region': 'north'}" in log
    assert "[base] synchronised 3 customers" in log


def test_pods_carry_our_labels_and_are_deleted_afterwards(outcome):
    for task_id, version in (("argv_latest", "1.10.0"), ("talend_zip", "2.0.1"), ("exit_3", "1.0.0")):
        labels = outcome.created_pod(task_id)["metadata"]["labels"]
        assert labels["app.kubernetes.io/managed-by"] == "airflow-jobs-provider"
        assert labels["job-orchestrator/artifact-version"] == version
        assert labels["job-orchestrator/deployment"] == labels["job-orchestrator/artifact"]
    for task_id in outcome.run.states:
        assert outcome.kube.get_pod(outcome.pod_name(task_id), outcome.namespace(task_id)) is None, task_id
    assert not any(outcome.workspaces.iterdir()), "every pod's workspace went with its pod"


def test_no_password_in_clear_in_pod_bodies_or_logs(outcome):
    bodies = [json.dumps(request.body) for request in outcome.pod_requests if request.body is not None]
    assert len(bodies) >= len(outcome.run.states)
    assert not [body for body in bodies if NEXUS_PASSWORD in body]
    init = outcome.created_pod("argv_latest")["spec"]["initContainers"][0]
    password_env = next(env for env in init["env"] if env["name"] == "JOB_RUNNER_PASSWORD")
    assert password_env["valueFrom"]["secretKeyRef"] == {"name": CREDENTIALS_SECRET, "key": "password"}
    assert NEXUS_PASSWORD not in outcome.run.output


def test_job_exit_code_fails_the_task_with_the_code(outcome):
    reason = _failed_with(outcome, "exit_3", "exited with code 3")
    assert reason.startswith("the job container exited with code 3")
    assert "[base] failing job: about to exit with code 3" in outcome.run.logs["exit_3"]


def test_checksum_mismatch_fails_the_init_container_with_the_runner_reason(outcome):
    reason = _failed_with(outcome, "checksum_mismatch", "artifact download container exited with code 91")
    assert "checksum mismatch for corrupt-job-1.0.0.py: expected sha256" in reason
    assert "[fetch-artifact] [job-runner] failed: checksum mismatch" in outcome.run.logs["checksum_mismatch"]


# -- scripted failures: each one named in words ---------------------------------------------------


def test_oom_killed(outcome):
    _failed_with(outcome, "oom", "OOMKilled: the job container used more memory than its limit")


def test_evicted(outcome):
    _failed_with(outcome, "evicted", "evicted: The node was low on resource: memory")


def test_deadline_exceeded(outcome):
    _failed_with(outcome, "deadline", "deadline exceeded: the pod ran longer than its active deadline")


def test_execution_timeout_deletes_the_pod_and_says_why(outcome):
    log = outcome.run.failed("timeout")
    assert "AirflowTaskTimeout" in log
    assert "returned a failure" not in log  # the timeout is what Airflow sees, and it calls on_kill
    assert "Unable to delete pod" not in log
    assert outcome.run.xcom("timeout", "failure_reason") == (
        "the run took longer than its execution timeout (0:00:03) and was stopped"
    )
    pod = outcome.pod_name("timeout")
    deleted = [r for r in outcome.pod_requests if r.method == "DELETE" and r.path.endswith(f"/pods/{pod}")]
    assert deleted, f"pod {pod} was left running"


def test_image_pull_error_of_the_runner_image(outcome):
    reason = _failed_with(
        outcome, "image_pull", f"image pull error for the job image {MISSING_RUNNER_IMAGE!r} (", "not found"
    )
    # the kubelet reports ErrImagePull, then ImagePullBackOff: which one the operator sees last
    # depends on how fast it polls (a loaded CI machine sees the back-off)
    assert re.search(r"\((ErrImagePull|ImagePullBackOff)\)", reason), reason


def test_image_pull_error_of_the_init_image(outcome):
    _failed_with(outcome, "init_image_pull", "image pull error for the artifact download image")


def test_unschedulable(outcome):
    _failed_with(outcome, "unschedulable", "could not be scheduled (Unschedulable)", "1 Insufficient memory")


def test_missing_credentials_secret(outcome):
    _failed_with(
        outcome,
        "missing_secret",
        "the artifact download container could not start (CreateContainerConfigError)",
        f'secret "{CREDENTIALS_SECRET}" not found',
    )


def test_missing_config_files_secret_volume(outcome):
    """The pod stays ContainerCreating until KPO's startup timeout: the mount warning says why."""
    _failed_with(
        outcome,
        "missing_config_volume",
        "the pod did not start",
        "FailedMount",
        f'secret "{MISSING_CONFIG_SECRET}" not found',
    )


def test_pod_still_starting_at_the_startup_timeout(outcome):
    """Nothing failed yet, nothing warns: KubernetesPodOperator's own words are the reason."""
    _failed_with(outcome, "slow_pull", "the pod did not start: Pod took too long to start. More than 1s.")
