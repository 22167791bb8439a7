"""The real KubernetesPodOperator, run by ``dag.test()``, against the fake API server.

One Airflow process (its own AIRFLOW_HOME, SQLite metadata DB, the connection from
``AIRFLOW_CONN_KUBERNETES_DEFAULT``) runs a DAG of plain ``KubernetesPodOperator`` tasks, one per
scenario; the fake in this process picks each pod's scenario by its ``task_id`` label. The tests
then read each task's log (the stdout ``dag.test()`` writes), its state and XComs, and the API
calls the fake received. Running Airflow in a child process keeps its configuration away from
whatever else this pytest session imports.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.dag_run_process import run_dag_process
from tests.fakes.kubernetes_api import (
    DEFAULT_UNSCHEDULABLE,
    FakeKubernetes,
    Process,
    RecordedRequest,
    Script,
    Scripted,
    Sleep,
)

DAG_ID = "kfx_kpo"
DAG_FILE = """
import json
import os

import pendulum
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk import DAG
from kubernetes.client import models as k8s

params = json.loads(os.environ["KFX_PARAMS"])
common = dict(
    namespace="default",
    get_logs=True,
    on_finish_action="delete_pod",
    startup_check_interval_seconds=0.1,
    startup_timeout_seconds=20,
    schedule_timeout_seconds=20,
    base_container_status_polling_interval=0.1,
    log_events_on_failure=True,
    retries=0,
)
workspace = params["workspace"]
mount = [k8s.V1VolumeMount(name="workspace", mount_path=workspace)]

with DAG(params["dag_id"], schedule=None, start_date=pendulum.datetime(2024, 1, 1), catchup=False) as dag:
    KubernetesPodOperator(
        task_id="scripted_ok", name="scripted-ok", image="busybox:1.36", cmds=["sh", "-c", "echo unused"],
        init_containers=[k8s.V1Container(name="init", image="busybox:1.36")], init_container_logs=True, **common,
    )
    KubernetesPodOperator(task_id="scripted_fail", name="scripted-fail", image="busybox:1.36", **common)
    KubernetesPodOperator(
        task_id="process_ok", name="process-ok", image="python:3.12-slim",
        cmds=["python3", "-c", "print('hello')"], **common,
    )
    KubernetesPodOperator(
        task_id="process_workspace", name="process-workspace", image="python:3.12-slim",
        cmds=["python3", "-c", "import os, sys; print(open(sys.argv[1] + '/artifact.txt').read(), os.environ['PASSWORD'])"],
        arguments=[workspace],
        volumes=[k8s.V1Volume(name="workspace", empty_dir=k8s.V1EmptyDirVolumeSource())],
        volume_mounts=mount,
        init_containers=[
            k8s.V1Container(
                name="fetch", image="python:3.12-slim", volume_mounts=mount,
                command=["python3", "-c", "import sys; open(sys.argv[1] + '/artifact.txt', 'w').write('artifact'); print('fetched')", workspace],
            )
        ],
        init_container_logs=True,
        env_vars=[
            k8s.V1EnvVar(
                name="PASSWORD",
                value_from=k8s.V1EnvVarSource(secret_key_ref=k8s.V1SecretKeySelector(name="job-secret", key="password")),
            )
        ],
        **common,
    )
    KubernetesPodOperator(
        task_id="process_fail", name="process-fail", image="python:3.12-slim",
        cmds=["python3", "-c", "import sys; print('about to fail', flush=True); sys.exit(3)"], **common,
    )
    KubernetesPodOperator(task_id="image_pull", name="image-pull", image="registry.example.org/missing:1.0", **common)
    KubernetesPodOperator(task_id="oom", name="oom", image="busybox:1.36", **common)
    KubernetesPodOperator(task_id="evicted", name="evicted", image="busybox:1.36", **common)
    KubernetesPodOperator(task_id="deadline", name="deadline", image="busybox:1.36", active_deadline_seconds=1, **common)
    KubernetesPodOperator(
        task_id="unschedulable", name="unschedulable", image="busybox:1.36",
        **{**common, "schedule_timeout_seconds": 1},
    )
    KubernetesPodOperator(
        task_id="config_error", name="config-error", image="busybox:1.36",
        env_vars=[
            k8s.V1EnvVar(
                name="TOKEN",
                value_from=k8s.V1EnvVarSource(secret_key_ref=k8s.V1SecretKeySelector(name="absent", key="token")),
            )
        ],
        **{**common, "startup_timeout_seconds": 1},
    )
"""


@dataclass
class KpoRun:
    kube: FakeKubernetes
    states: dict[str, str]
    xcoms: dict[str, dict]
    logs: dict[str, str]
    output: str
    workspace: Path
    requests: list[RecordedRequest] = field(default_factory=list)

    def pod_name(self, task_id: str) -> str:
        name = self.xcoms[task_id]["pod_name"]
        return json.loads(name) if isinstance(name, str) and name.startswith('"') else name

    def calls(self, task_id: str) -> list[str]:
        """The API calls made about this task's pod: ``METHOD path-tail query-keys``."""
        pod = self.pod_name(task_id)
        out = []
        for request in self.requests:
            about_pod = f"/pods/{pod}" in request.path or f"involvedObject.name={pod}" in request.query.get(
                "fieldSelector", ""
            )
            listing = request.path.endswith("/pods") and f"task_id={task_id}" in request.query.get(
                "labelSelector", ""
            )
            created = (
                request.method == "POST" and ((request.body or {}).get("metadata") or {}).get("name") == pod
            )
            if about_pod or listing or created:
                tail = request.path.split("/namespaces/default/")[-1].replace(pod, "{pod}")
                out.append(f"{request.method} {tail} {sorted(request.query)}")
        return out


def _scenarios(kube: FakeKubernetes) -> None:
    rules = {
        "scripted_ok": Scripted(
            containers={"init": Script(["init says hi"]), "base": Script(["hello", Sleep(0.05), "world"])}
        ),
        "scripted_fail": Scripted(
            containers={"base": Script(["bad things"], exit_code=3, termination_message="input missing")}
        ),
        "process_ok": Process(),
        "process_workspace": Process(),
        "process_fail": Process(),
        "image_pull": Scripted(image_pull_errors={"registry.example.org/missing:1.0": None}),
        "oom": Scripted(containers={"base": Script.oom_killed(["allocating"])}),
        "evicted": Scripted(default=Script(["working"], run_until_killed=True), evict_after=0.2),
        "deadline": Scripted(default=Script(["working"], run_until_killed=True), time_scale=0.2),
        "unschedulable": Scripted(unschedulable=DEFAULT_UNSCHEDULABLE),
        "config_error": Scripted(),
    }
    for task_id, scenario in rules.items():
        kube.add_scenario(scenario, selector=f"task_id={task_id}")


@pytest.fixture(scope="module")
def kpo_run(tmp_path_factory) -> KpoRun:
    root = tmp_path_factory.mktemp("kpo")
    workspace = root / "workspace"
    kube = FakeKubernetes().start()
    try:
        _scenarios(kube)
        kube.create_secret("job-secret", {"password": "s3cret"})
        env = {
            "AIRFLOW__CORE__PARALLELISM": "2",
            "KFX_PARAMS": json.dumps({"dag_id": DAG_ID, "workspace": str(workspace)}),
            **kube.airflow_connection_env(),
        }
        dag_run = run_dag_process(DAG_FILE, root=root, env=env)
        run = KpoRun(
            kube,
            dag_run.states,
            dag_run.xcoms,
            dag_run.logs,
            dag_run.output,
            workspace,
            list(kube.requests),
        )
        assert not kube.errors, kube.errors
        yield run
    finally:
        kube.stop()


def test_scripted_pod_succeeds_and_its_logs_reach_the_task_log(kpo_run):
    assert kpo_run.states["scripted_ok"] == "success"
    log = kpo_run.logs["scripted_ok"]
    assert "[base] hello" in log and "[base] world" in log
    assert "[init] init says hi" in log
    pod = kpo_run.pod_name("scripted_ok")
    assert pod.startswith("scripted-ok-")
    assert kpo_run.xcoms["scripted_ok"]["pod_namespace"] in ("default", '"default"')
    assert kpo_run.kube.get_pod(pod) is None, "KPO deletes the pod (on_finish_action=delete_pod)"
    # sync mode: look for a pod to reattach to, create, find it again, poll it, follow logs, delete
    calls = kpo_run.calls("scripted_ok")
    assert calls[:3] == ["GET pods ['labelSelector']", "POST pods []", "GET pods ['labelSelector']"]
    assert "GET pods/{pod}/log ['container', 'follow', 'timestamps']" in calls
    assert calls[-1] == "DELETE pods/{pod} []"
    listing = next(r for r in kpo_run.requests if r.method == "GET" and r.path.endswith("/pods"))
    assert listing.query["labelSelector"].endswith(",already_checked!=True,!airflow-worker")


def test_process_pod_really_runs_the_command(kpo_run):
    assert kpo_run.states["process_ok"] == "success"
    assert "[base] hello" in kpo_run.logs["process_ok"]
    assert kpo_run.kube.pod_logs(kpo_run.pod_name("process_ok"), "base") == "hello\n"


def test_process_pod_with_workspace_init_container_and_secret(kpo_run):
    assert kpo_run.states["process_workspace"] == "success", kpo_run.logs["process_workspace"][-3000:]
    log = kpo_run.logs["process_workspace"]
    assert "[fetch] fetched" in log
    assert "[base] artifact s3cret" in log
    assert not kpo_run.workspace.exists(), "the emptyDir went away with the deleted pod"


def test_failing_scripted_container_fails_the_task(kpo_run):
    assert kpo_run.states["scripted_fail"] == "failed"
    log = kpo_run.logs["scripted_fail"]
    assert "[base] bad things" in log
    assert re.search(r"AirflowException: Pod scripted-fail-\w+ returned a failure", log)
    assert "input missing" in log  # the termination message is part of KPO's error
    assert "Container 'base': state='TERMINATED', reason='Error', exit_code=3" in log
    assert "PATCH pods/{pod} []" in kpo_run.calls("scripted_fail"), "already_checked label patched"


def test_failing_process_fails_the_task(kpo_run):
    assert kpo_run.states["process_fail"] == "failed"
    log = kpo_run.logs["process_fail"]
    assert "[base] about to fail" in log
    assert "returned a failure" in log and "exit_code=3" in log


def test_image_pull_failure_through_kpo(kpo_run):
    assert kpo_run.states["image_pull"] == "failed"
    log = kpo_run.logs["image_pull"]
    assert "Image cannot be pulled, unable to start: " in log
    assert "rpc error: code = NotFound" in log
    assert "PodLaunchFailedException" in log


def test_oom_killed_through_kpo(kpo_run):
    assert kpo_run.states["oom"] == "failed"
    log = kpo_run.logs["oom"]
    assert "reason='OOMKilled', exit_code=137" in log
    assert "returned a failure" in log


def test_eviction_through_kpo(kpo_run):
    assert kpo_run.states["evicted"] == "failed"
    log = kpo_run.logs["evicted"]
    assert "Pod phase: Failed, reason: Evicted" in log
    assert "The node was low on resource: memory" in log


def test_deadline_exceeded_through_kpo(kpo_run):
    assert kpo_run.states["deadline"] == "failed"
    log = kpo_run.logs["deadline"]
    assert "Pod phase: Failed, reason: DeadlineExceeded" in log
    assert "Pod was active on the node longer than the specified deadline" in log


def test_unschedulable_through_kpo(kpo_run):
    assert kpo_run.states["unschedulable"] == "failed"
    log = kpo_run.logs["unschedulable"]
    assert "Pod took too long to be scheduled on the cluster, giving up. More than 1s" in log
    assert "PodLaunchTimeoutException" in log


def test_create_container_config_error_through_kpo(kpo_run):
    assert kpo_run.states["config_error"] == "failed"
    log = kpo_run.logs["config_error"]
    assert "Pod took too long to start. More than 1s" in log
    assert "reason='CreateContainerConfigError', message='secret \"absent\" not found'" in log
