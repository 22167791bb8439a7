"""Jobs as a data team really builds them, deployed with ``latest-release`` from a Nexus 3.7x.

One child Airflow process (``tests.dag_run_process``) runs one DAG with both operators:

- a Talend Studio export (``examples/talend_export.py``, compiled here with the machine's JDK)
  in a raw repository laid out ``etl/customer-sync/<version>/CustomerSync_<version>.zip``, with
  a newer ``2.0.0-RC1`` that ``latest-release`` must skip;
- a Maven jar published with its side files (sources, javadoc, tests jars, pom, sidecars) and
  ``maven-metadata.xml``, with a newer ``3.0.0-RC1``;
- an R script in the raw repository, run with ``Rscript``.

The local operator runs each as a subprocess of the worker; the pod operator runs the Talend
export and the R script in pods of the fake Kubernetes API whose containers really run.
Every run says the version it resolved (task log, XCom, ``JOB_ARTIFACT_VERSION``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from examples.talend_export import build_talend_export
from tests.dag_run_process import DagRun, run_dag_process
from tests.fakes.kubernetes_api import FakeKubernetes, Process
from tests.fakes.nexus import FakeNexus
from tests.unit.operators.e2e_jobs import QUICK_POD_TIMEOUTS, hex_args, one_report, reported, runnable_jar

RAW = "raw-jobs"
MAVEN = "releases"
GROUP = "org.example.jobs"
USER = "ci-reader"
PASSWORD = "nx-Real-Bu1lds-0815"
CREDENTIALS_SECRET = "nexus-reader"
CONTEXTS = {
    "Default": {"region": "south", "input_dir": "/data/in", "greeting": "hello"},
    "Production": {"region": "prod", "input_dir": "/srv/prod/in", "greeting": "hello"},
}
# Talend's two spellings of a context parameter; values a shell or Jinja would change
TALEND_ARGS = [
    "--context=Production",
    "--context_param",
    "greeting=grüß dich, $(id) `id` {{ ds }}",
    "--context_param input_dir=/mnt/share with space/in",
]
TALEND_CONTEXT = {"greeting": "grüß dich, $(id) `id` {{ ds }}", "input_dir": "/mnt/share with space/in"}
R_ARGS = ["plain", "with space", "$(id -u)", "ünïcødé ✓", ""]

R_JOB = """\
args <- commandArgs(trailingOnly = TRUE)
cat("R job on", R.version.string, "\\n")
cat("ARTIFACT-VERSION", Sys.getenv("JOB_ARTIFACT_VERSION"), "\\n")
for (a in args) {
    cat("ARG-HEX \\"", paste(as.character(charToRaw(enc2utf8(a))), collapse = ""), "\\"\\n", sep = "")
}
"""

LOADER_JAVA = """\
public class Loader {
    public static void main(String[] args) {
        System.out.println("loader " + System.getenv("JOB_ARTIFACT_VERSION") + " says hello");
        System.out.println("ARTIFACT-VERSION " + System.getenv("JOB_ARTIFACT_VERSION"));
    }
}
"""

DAG_FILE = """
import json
import os

import pendulum
from airflow.sdk import DAG

from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from airflow_jobs_provider.operators.local import NexusLocalOperator

params = json.loads(os.environ["RB_PARAMS"])
talend = {"repository": "raw-jobs", "name": "etl/customer-sync", "version": "latest-release"}
loader = {"repository": "releases", "group": params["group"], "name": "loader", "version": "latest-release"}
r_report = {"repository": "raw-jobs", "name": "etl/r-report", "version": "latest"}


def pod(task_id, artifact, **options):
    return NexusKubernetesOperator(
        task_id=task_id,
        artifact=artifact,
        workspace_path=os.path.join(params["workspaces"], task_id),
        **{**params["pod_timeouts"], **options},
    )


with DAG("real_builds_e2e", schedule=None, start_date=pendulum.datetime(2024, 1, 1), catchup=False) as dag:
    NexusLocalOperator(task_id="local_talend", artifact=talend, job_args=params["talend_args"], retries=0)
    NexusLocalOperator(task_id="local_maven_jar", artifact=loader, retries=0)
    NexusLocalOperator(task_id="local_r", artifact=r_report, job_args=params["r_args"], retries=0)
    pod("pod_talend", talend, job_args=params["talend_args"])
    pod("pod_r", r_report, job_args=params["r_args"])
"""


@dataclass
class Outcome:
    run: DagRun
    nexus: FakeNexus


def _publish(nexus: FakeNexus, build: Path) -> None:
    nexus.add_repository(RAW, format="raw")
    nexus.add_repository(MAVEN)
    for version in ("1.9.3", "1.10.0", "2.0.0-RC1"):
        export = build_talend_export("CustomerSync", version, CONTEXTS, build / f"talend-{version}")
        nexus.add_raw_file(RAW, f"etl/customer-sync/{version}/CustomerSync_{version}.zip", export)
    nexus.add_raw_file(RAW, "etl/r-report/1.0.0/report.R", R_JOB.encode())
    jar = runnable_jar("Loader", LOADER_JAVA, build / "loader")
    for version in ("1.9.3", "1.10.0", "3.0.0-RC1"):
        nexus.add_maven_version(MAVEN, GROUP, "loader", version, jar)
    nexus.add_maven_metadata(MAVEN, GROUP, "loader", ["1.9.3", "1.10.0", "3.0.0-RC1"])


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    root = tmp_path_factory.mktemp("real-builds")
    nexus = FakeNexus(users={USER: PASSWORD}, anonymous=False).start()
    kube = FakeKubernetes().start()
    try:
        _publish(nexus, root / "build")
        for task_id in ("pod_talend", "pod_r"):
            kube.add_scenario(Process(), selector=f"task_id={task_id}")
        kube.create_secret(CREDENTIALS_SECRET, {"username": USER, "password": PASSWORD})
        connection = {"conn_type": "nexus", "host": nexus.base_url, "login": USER, "password": PASSWORD}
        params = {
            "group": GROUP,
            "talend_args": TALEND_ARGS,
            "r_args": R_ARGS,
            "workspaces": str(root / "workspaces"),
            "pod_timeouts": QUICK_POD_TIMEOUTS,
        }
        env = {
            "AIRFLOW_CONN_NEXUS_DEFAULT": json.dumps(connection),
            "AIRFLOW__JOB_ORCHESTRATOR__NEXUS_CREDENTIALS_SECRET": CREDENTIALS_SECRET,
            "RB_PARAMS": json.dumps(params),
            **kube.airflow_connection_env(),
        }
        run = run_dag_process(DAG_FILE, root=root, env=env)
        assert not kube.errors, kube.errors
        yield Outcome(run, nexus)
    finally:
        kube.stop()
        nexus.stop()


def _context(log: str) -> dict[str, str]:
    pairs = [bytes.fromhex(value).decode("utf-8").split("=", 1) for value in reported(log, "CONTEXT-HEX")]
    return dict(pairs)


@pytest.mark.parametrize("task_id", ["local_talend", "pod_talend"])
def test_a_raw_talend_export_deploys_with_latest_release_and_gets_its_context(outcome, task_id):
    log = outcome.run.succeeded(task_id)
    assert "raw-jobs/etl/customer-sync:latest-release resolved to version 1.10.0" in log
    assert outcome.run.xcom(task_id, "artifact_version") == "1.10.0"
    assert outcome.run.xcom(task_id, "artifact_assets") == [
        "etl/customer-sync/1.10.0/CustomerSync_1.10.0.zip"
    ]
    assert "CustomerSync (Talend Studio export) on Java" in log
    assert "routines.jar from ../lib is on the class path" in log
    assert one_report(log, "MAX-HEAP-MB") <= 256  # the script's -Xmx reached the JVM
    assert "TALEND-CONTEXT Production" in log
    assert _context(log) == {**CONTEXTS["Production"], **TALEND_CONTEXT}
    assert "ARTIFACT-VERSION 1.10.0" in log


def test_a_maven_jar_with_side_files_runs_its_main_artifact(outcome):
    log = outcome.run.succeeded("local_maven_jar")
    assert f"{MAVEN}/{GROUP}:loader:latest-release resolved to version 1.10.0" in log
    assert outcome.run.xcom("local_maven_jar", "artifact_assets") == [
        "org/example/jobs/loader/1.10.0/loader-1.10.0.jar"
    ]
    assert "loader 1.10.0 says hello" in log and "ARTIFACT-VERSION 1.10.0" in log
    side_files = [
        r.path for r in outcome.nexus.requests if r.path.startswith("/repository/") and "-sources" in r.path
    ]
    assert side_files == []


@pytest.mark.parametrize("task_id", ["local_r", "pod_r"])
def test_an_r_script_runs_with_its_arguments_intact(outcome, task_id):
    log = outcome.run.succeeded(task_id)
    assert "R job on R version" in log
    assert outcome.run.xcom(task_id, "artifact_version") == "1.0.0"
    assert "ARTIFACT-VERSION 1.0.0" in log
    assert hex_args(log) == R_ARGS
