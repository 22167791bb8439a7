"""Inline config files reach the job, with both operators, and secret ones never show in clear.

The end-to-end tests run one DAG with ``dag.test()`` in a child Airflow process
(``tests.dag_run_process``): the local operator writes the files into the workspace; the
Kubernetes operator, against the fake API server (process mode, so the job really runs),
puts them in a Secret of the pod's own. A job reports what it found in ``JOB_CONFIG_DIR``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from airflow.sdk._shared.secrets_masker import redact

from airflow_jobs_provider.operators.config_contents import read_config_contents, write_config_folder
from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from airflow_jobs_provider.operators.local import NexusLocalOperator
from airflow_jobs_provider.operators.pod_builder import PodOptionsError
from airflow_jobs_provider.operators.pod_options import ConfigFile, InlineConfigFile
from tests.dag_run_process import DagRun, run_dag_process
from tests.fakes.kubernetes_api import FakeKubernetes, Process, RecordedRequest
from tests.unit.operators.e2e_jobs import QUICK_POD_TIMEOUTS, one_report

PLAIN = "[app]\r\nregion = north\n{{ ds }} $(id)\n"
SECRET = "s3cret-Pa55-4711\n"
VARIABLE_KEY = "job_orchestrator.secret.reader_db.password"
ARTIFACT = {
    "source": "local",
    "repository": "jobs",
    "group": "org.example",
    "name": "config-reader",
    "version": "1.0.0",
}
SHARED = "shared: from an existing ConfigMap\n"

# The job: what is in its config folder (content digests and modes).
READER_JOB = """\
import hashlib, json, os, stat, sys
folder = os.environ["JOB_CONFIG_DIR"]
files = {}
for name in sorted(os.listdir(folder)):
    path = os.path.join(folder, name)
    if name.startswith("..") or not os.path.isfile(path):
        continue
    with open(path, "rb") as handle:
        files[name] = {"sha256": hashlib.sha256(handle.read()).hexdigest(), "mode": stat.S_IMODE(os.stat(path).st_mode)}
print("CONFIG-DIR " + json.dumps(folder))
print("CONFIG-FILES " + json.dumps(files, sort_keys=True))
sys.exit(int(sys.argv[2]) if sys.argv[1:2] == ["--exit"] else 0)
"""

DAG_FILE = """
import json
import os

import pendulum
from airflow.sdk import DAG

from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from airflow_jobs_provider.operators.local import NexusLocalOperator
from airflow_jobs_provider.operators.pod_options import ConfigFile, InlineConfigFile

params = json.loads(os.environ["CFG_PARAMS"])
files = [
    InlineConfigFile(file_name="app.ini", content=params["plain"]),
    InlineConfigFile(file_name="db.password", variable_key=params["variable_key"]),
]
quick = params["pod_timeouts"]


def in_pod(task_id, config_files, job_args=()):
    return NexusKubernetesOperator(
        task_id=task_id,
        artifact=params["artifact"],
        config_files=config_files,
        job_args=list(job_args),
        workspace_path=os.path.join(params["root"], "workspaces", task_id),
        config_dir=os.path.join(params["root"], "config", task_id),
        **quick,
    )


with DAG("config_files_e2e", schedule=None, start_date=pendulum.datetime(2024, 1, 1), catchup=False) as dag:
    NexusLocalOperator(task_id="local", artifact=params["artifact"], config_files=files, retries=0)
    in_pod("in_pod", [*files, ConfigFile(file_name="shared.yaml", source_name="shared-config", key="shared.yaml")])
    in_pod("in_failing_pod", files, job_args=["--exit", "3"])
    in_pod("missing_variable", [InlineConfigFile(file_name="x.ini", variable_key="job_orchestrator.secret.gone_x.ini")])
"""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# -- the pieces ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"file_name": "a.ini"}, "exactly one of content and variable_key"),
        (
            {"file_name": "a.ini", "content": "", "variable_key": "k"},
            "exactly one of content and variable_key",
        ),
        ({"file_name": "../a", "content": ""}, "must be a plain file name"),
        ({"file_name": "..", "content": ""}, "must be a plain file name"),
    ],
)
def test_an_inline_file_has_a_plain_name_and_one_source(arguments, message):
    with pytest.raises(ValueError, match=message):
        InlineConfigFile(**arguments)


def test_the_local_operator_takes_only_inline_files():
    with pytest.raises(TypeError, match="need NexusKubernetesOperator"):
        NexusLocalOperator(task_id="t", artifact=ARTIFACT, config_files=[ConfigFile("a", "cm", "a")])
    twice = [InlineConfigFile("a", content="1"), InlineConfigFile("a", content="2")]
    with pytest.raises(ValueError, match="used twice"):
        NexusLocalOperator(task_id="t", artifact=ARTIFACT, config_files=twice)
    with pytest.raises(PodOptionsError, match="repeated"):
        NexusKubernetesOperator(task_id="t", artifact=ARTIFACT, config_files=twice)


def test_secret_contents_are_masked_in_task_logs_line_by_line(monkeypatch):
    """What Airflow's masker hides in a real task's log (``dag.test()`` output is not masked)."""
    monkeypatch.setenv(f"AIRFLOW_VAR_{VARIABLE_KEY.upper()}", "user = admin\npassword = s3cret-Pa55\n\nx\n")
    plain = InlineConfigFile(file_name="app.ini", content="region = north")
    contents = read_config_contents([InlineConfigFile(file_name="db.ini", variable_key=VARIABLE_KEY), plain])
    assert contents == {"db.ini": "user = admin\npassword = s3cret-Pa55\n\nx\n", "app.ini": "region = north"}
    assert redact("the job printed: password = s3cret-Pa55") == "the job printed: ***"
    assert redact("login as user = admin") == "login as ***"
    assert redact("region = north") == "region = north"


def test_the_local_folder_is_private_and_holds_the_bytes_given(tmp_path):
    folder = tmp_path / "config"
    write_config_folder(folder, {"app.ini": PLAIN, "empty": ""})
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name, content in (("app.ini", PLAIN), ("empty", "")):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
        assert (folder / name).read_bytes() == content.encode()


# -- end to end ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    run: DagRun
    kube: FakeKubernetes
    requests: list[RecordedRequest]

    def pod_name(self, task_id: str) -> str:
        [body] = [
            request.body
            for request in self.requests
            if request.method == "POST"
            and request.path.endswith("/pods")
            and request.body["metadata"]["labels"]["task_id"] == task_id
        ]
        return body["metadata"]["name"]

    def to_secret(self, method: str, name: str) -> list[RecordedRequest]:
        return [
            request
            for request in self.requests
            if request.method == method
            and (
                request.path.endswith(f"/secrets/{name}")
                or (
                    method == "POST"
                    and request.path.endswith("/secrets")
                    and request.body["metadata"]["name"] == name
                )
            )
        ]


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    root = tmp_path_factory.mktemp("config-files")
    job = root / "artifacts" / "jobs" / "org.example" / "config-reader" / "1.0.0" / "config_reader.py"
    job.parent.mkdir(parents=True)
    job.write_text(READER_JOB)
    kube = FakeKubernetes().start()
    try:
        kube.set_scenario(Process())
        kube.create_config_map("shared-config", {"shared.yaml": SHARED})
        params = {
            "plain": PLAIN,
            "variable_key": VARIABLE_KEY,
            "artifact": ARTIFACT,
            "root": str(root),
            "pod_timeouts": QUICK_POD_TIMEOUTS,
        }
        env = {
            "CFG_PARAMS": json.dumps(params),
            f"AIRFLOW_VAR_{VARIABLE_KEY.upper()}": SECRET,
            "AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT": str(root / "artifacts"),
            **kube.airflow_connection_env(),
        }
        run = run_dag_process(DAG_FILE, root=root, env=env)
        assert not kube.errors, kube.errors
        yield Outcome(run, kube, list(kube.requests))
    finally:
        kube.stop()


def _files_found(run: DagRun, task_id: str) -> dict:
    return one_report(run.log_tail(task_id, 100_000), "CONFIG-FILES")


def test_the_local_job_reads_its_files_private_to_it(outcome):
    assert outcome.run.states["local"] == "success", outcome.run.log_tail("local")
    folder = one_report(outcome.run.log_tail("local", 100_000), "CONFIG-DIR")
    assert folder.endswith("/config")
    assert _files_found(outcome.run, "local") == {
        "app.ini": {"sha256": _digest(PLAIN), "mode": 0o600},
        "db.password": {"sha256": _digest(SECRET), "mode": 0o600},
    }
    assert not Path(folder).exists(), "the workspace and its config folder are gone after the run"


def test_the_pod_job_reads_inline_and_referenced_files_in_one_folder(outcome):
    assert outcome.run.states["in_pod"] == "success", outcome.run.log_tail("in_pod")
    found = _files_found(outcome.run, "in_pod")
    assert {name: entry["sha256"] for name, entry in found.items()} == {
        "app.ini": _digest(PLAIN),
        "db.password": _digest(SECRET),
        "shared.yaml": _digest(SHARED),
    }


def test_the_pods_secret_holds_the_contents_the_pod_only_its_name(outcome):
    pod_name = outcome.pod_name("in_pod")
    secret_name = f"{pod_name}-config-files"
    [created] = outcome.to_secret("POST", secret_name)
    assert {key: base64.b64decode(value).decode() for key, value in created.body["data"].items()} == {
        "app.ini": PLAIN,
        "db.password": SECRET,
    }
    assert created.body["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "airflow-jobs-provider"
    [pod] = [
        r.body
        for r in outcome.requests
        if r.method == "POST" and r.path.endswith("/pods") and r.body["metadata"]["name"] == pod_name
    ]
    text = json.dumps(pod)
    for secret_text in (SECRET.strip(), base64.b64encode(SECRET.encode()).decode(), "region = north"):
        assert secret_text not in text
    config = next(volume for volume in pod["spec"]["volumes"] if volume["name"] == "job-config")
    assert [
        source.get("secret", source.get("configMap"))["name"] for source in config["projected"]["sources"]
    ] == [
        "shared-config",
        secret_name,
    ]


def test_the_pod_owns_its_secret_and_both_are_gone_afterwards(outcome):
    for task_id in ("in_pod", "in_failing_pod"):
        pod_name = outcome.pod_name(task_id)
        secret_name = f"{pod_name}-config-files"
        [patch] = outcome.to_secret("PATCH", secret_name)
        (owner,) = patch.body["metadata"]["ownerReferences"]
        pod_uid = outcome.kube.events(pod=pod_name)[0]["involvedObject"]["uid"]
        assert owner == {"apiVersion": "v1", "kind": "Pod", "name": pod_name, "uid": pod_uid}
        assert [request.status for request in outcome.to_secret("DELETE", secret_name)] in ([200], [404])
        assert outcome.kube.get("secrets", secret_name) is None
        assert outcome.kube.get_pod(pod_name) is None
    assert outcome.run.states["in_failing_pod"] == "failed"


def test_a_missing_variable_fails_before_anything_is_created(outcome):
    assert outcome.run.states["missing_variable"] == "failed"
    assert (
        "config file x.ini: the Airflow Variable job_orchestrator.secret.gone_x.ini that holds its content "
        "does not exist" in outcome.run.log_tail("missing_variable", 100_000)
    )
    posted = [
        request.body["metadata"]["labels"].get("task_id")
        for request in outcome.requests
        if request.method == "POST" and request.path.endswith(("/pods", "/secrets"))
    ]
    assert "missing_variable" not in posted
