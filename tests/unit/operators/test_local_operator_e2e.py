"""NexusLocalOperator end to end: ``dag.test()`` runs real artifacts as subprocesses of the worker.

One child Airflow process (``tests.dag_run_process``) runs a DAG with one task per case: the
seeded examples (``examples/seed.py``: Python, shell, Talend-style zip) and artifacts built
here (a Python job, a shell job, a jar compiled with ``javac``) from the local source, and
Python jobs from FakeNexus with basic auth (one listed without any checksum, which a second,
one-task run on a worker that allows unverified assets runs). The worker has no locale variables, like a bare
service; the Nexus connection comes from a secrets-backend file, so no process's environment
holds its password unless the operator put it there. Jobs report what they received as
``<MARKER> <json>`` lines of the task log.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psutil
import pytest

from examples.seed import GROUP as EXAMPLES_GROUP
from examples.seed import REPOSITORY as EXAMPLES_REPOSITORY
from examples.seed import seed
from tests.dag_run_process import DagRun, run_dag_process
from tests.fakes.nexus import FakeNexus
from tests.unit.operators.e2e_jobs import (
    ARG_HEX_JOB_JAVA,
    ARG_HEX_JOB_SH,
    ENVIRON_PROBE_PY,
    FAILING_JOB_PY,
    HOSTILE_ARGS,
    PROCESS_GROUP_JOB_PY,
    SITECUSTOMIZE_PY,
    argv_job,
    hex_args,
    job_nexus,
    one_report,
)

REPOSITORY = "tests"
GROUP = "org.example.tests"
NEXUS_REPOSITORY = "jobs"
NEXUS_USER = "ci-reader"
NEXUS_PASSWORD = "nx-L0cal-Pa55-0815"
TIMEOUT_SECONDS = 5
MAX_UNPACKED_BYTES = 100_000  # [job_orchestrator] max_unpacked_bytes of this worker
CLEAN_EXIT_SECONDS = 30  # how long the stopped processes may take to be gone, at most

DAG_FILE = """
import json
import os
from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from airflow_jobs_provider.operators.local import NexusLocalOperator
from airflow_jobs_provider.operators.pod_options import InlineConfigFile

params = json.loads(os.environ["LOX_PARAMS"])
hostile = params["hostile_args"]
examples = params["examples"]
local_jobs = params["local_jobs"]
nexus_jobs = params["nexus_jobs"]


def job(task_id, where, name, version="latest", **options):
    source, repository, group = where
    artifact = {"source": source, "repository": repository, "group": group, "name": name, "version": version}
    return NexusLocalOperator(task_id=task_id, artifact=artifact, retries=0, **options)


with DAG("nexus_local_e2e", schedule=None, start_date=pendulum.datetime(2024, 1, 1), catchup=False) as dag:
    job("seed_hello", examples, "hello-python", job_args=hostile)
    job("seed_disk_report", examples, "disk-report", version="0.3.0", job_args=["."])
    job("seed_talend", examples, "customer-sync", job_args=["--context_param", "region=north"])
    job("local_py", local_jobs, "argv-job", job_args=hostile)
    job("local_sh", local_jobs, "arg-hex-sh", job_args=hostile)
    job("local_jar", local_jobs, "arg-hex-jar", job_args=hostile)
    job("local_exit_3", local_jobs, "failing-job")
    job(
        "local_timeout", local_jobs, "process-group-job",
        job_env={"PID_DIR": params["pid_dir"]},
        execution_timeout=timedelta(seconds=params["timeout_seconds"]),
        kill_grace_seconds=2,
    )
    job("nexus_latest", nexus_jobs, "argv-job", job_args=hostile, job_env={"ENV_DUMP": params["env_dump"]})
    job("nexus_checksum", nexus_jobs, "corrupt-job", version="1.0.0")
    job("nexus_no_checksum", nexus_jobs, "unchecked-job", version="1.0.0")
    job("nexus_environ_probe", nexus_jobs, "environ-probe", job_env={"ENVIRON_DUMP": params["environ_dump"]})
    isolated = job(
        "local_env_isolation", local_jobs, "argv-job",
        config_files=[InlineConfigFile(file_name="sitecustomize.py", content=params["sitecustomize"])],
    )
    # Set past the operator's checks, as a name its deny-list does not know would be.
    isolated.job_env = {"PYTHONPATH": "config", "PYTHONSTARTUP": "config/sitecustomize.py",
                        "MARKER_FILE": params["marker_file"]}
    job("local_too_big", local_jobs, "big-zip")
"""


# The same task on a worker whose admin allows assets without a checksum.
UNVERIFIED_DAG_FILE = """
import json
import os

import pendulum
from airflow.sdk import DAG

from airflow_jobs_provider.operators.local import NexusLocalOperator

source, repository, group = json.loads(os.environ["LOX_PARAMS"])["nexus_jobs"]
artifact = {"source": source, "repository": repository, "group": group, "name": "unchecked-job", "version": "1.0.0"}
with DAG("nexus_local_unverified", schedule=None, start_date=pendulum.datetime(2024, 1, 1), catchup=False) as dag:
    NexusLocalOperator(task_id="nexus_no_checksum", artifact=artifact, retries=0)
"""
UNCHECKED_FILE = "unchecked-job-1.0.0.py"
NO_CHECKSUM_REASON = (
    f"{UNCHECKED_FILE} has no checksum in the plan (sha256, sha512, sha1 or md5), so it cannot be "
    "verified and is refused; an admin may allow unverified assets with [job_orchestrator] "
    "allow_unverified_assets = true (exit code 91)"
)


@dataclass
class Outcome:
    run: DagRun
    nexus: FakeNexus
    temp_dir: Path
    pid_dir: Path
    env_dump: Path
    environ_dump: Path
    marker_file: Path


def _place(root: Path, name: str, version: str, file_name: str, data: bytes) -> None:
    target = root / REPOSITORY / GROUP / name / version / file_name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _jar(build: Path) -> bytes:
    """A runnable jar (``Main-Class: ArgHex``) compiled from the Java job's source."""
    build.mkdir()
    (build / "ArgHex.java").write_text(ARG_HEX_JOB_JAVA, encoding="utf-8")
    subprocess.run(["javac", "-d", str(build / "classes"), str(build / "ArgHex.java")], check=True)
    jar = build / "arg-hex.jar"
    subprocess.run(
        ["jar", "--create", "--file", str(jar), "--main-class", "ArgHex", "-C", str(build / "classes"), "."],
        check=True,
    )
    return jar.read_bytes()


def _local_artifacts(root: Path, build: Path) -> None:
    seed(root)
    _place(root, "argv-job", "1.0.0", "argv-job.py", argv_job("local 1.0.0"))
    _place(root, "arg-hex-sh", "1.0.0", "arg-hex.sh", ARG_HEX_JOB_SH.encode())
    _place(root, "arg-hex-jar", "1.0.0", "arg-hex-1.0.0.jar", _jar(build))
    _place(root, "failing-job", "1.0.0", "failing.py", FAILING_JOB_PY.encode())
    _place(root, "process-group-job", "1.0.0", "process-group.py", PROCESS_GROUP_JOB_PY.encode())
    _place(root, "big-zip", "1.0.0", "big-zip-1.0.0.zip", _big_zip())


def _publish_unchecked_job(nexus: FakeNexus) -> None:
    """A job whose listing gives no checksum at all, like a Nexus that never computed any."""
    nexus.add_component(
        NEXUS_REPOSITORY,
        GROUP,
        "unchecked-job",
        "1.0.0",
        {UNCHECKED_FILE: argv_job("unchecked")},
        checksums=(),
    )


def _nexus_connection_env(root: Path, nexus: FakeNexus) -> dict[str, str]:
    """The ``nexus_default`` connection in a secrets-backend file, so no environment holds it."""
    connection = {
        "conn_type": "nexus",
        "host": nexus.base_url,
        "login": NEXUS_USER,
        "password": NEXUS_PASSWORD,
    }
    connections_file = root / "connections.json"
    connections_file.write_text(json.dumps({"nexus_default": connection}), encoding="utf-8")
    return {
        "AIRFLOW__SECRETS__BACKEND": "airflow.secrets.local_filesystem.LocalFilesystemBackend",
        "AIRFLOW__SECRETS__BACKEND_KWARGS": json.dumps({"connections_file_path": str(connections_file)}),
    }


def _big_zip() -> bytes:
    """A zip that unpacks to more than MAX_UNPACKED_BYTES (a ratio far below the zip-bomb one)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("big/run.sh", "echo too big to run\n")
        archive.writestr("big/data.bin", os.urandom(2 * MAX_UNPACKED_BYTES))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    root = tmp_path_factory.mktemp("nexus-local")
    artifacts, temp_dir, pid_dir = root / "artifacts", root / "tmp", root / "pids"
    temp_dir.mkdir()
    pid_dir.mkdir()
    _local_artifacts(artifacts, root / "build")
    nexus = job_nexus(NEXUS_REPOSITORY, GROUP, NEXUS_USER, NEXUS_PASSWORD)
    nexus.add_component(
        NEXUS_REPOSITORY, GROUP, "environ-probe", "1.0.0", {"environ-probe.py": ENVIRON_PROBE_PY.encode()}
    )
    _publish_unchecked_job(nexus)
    try:
        params = {
            "hostile_args": HOSTILE_ARGS,
            "examples": ["local", EXAMPLES_REPOSITORY, EXAMPLES_GROUP],
            "local_jobs": ["local", REPOSITORY, GROUP],
            "nexus_jobs": ["nexus", NEXUS_REPOSITORY, GROUP],
            "pid_dir": str(pid_dir),
            "env_dump": str(root / "env-dump.json"),
            "environ_dump": str(root / "environ-dump.json"),
            "marker_file": str(root / "sitecustomize-ran"),
            "sitecustomize": SITECUSTOMIZE_PY,
            "timeout_seconds": TIMEOUT_SECONDS,
        }
        env = {
            **_nexus_connection_env(root, nexus),
            "AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT": str(artifacts),
            "AIRFLOW__JOB_ORCHESTRATOR__MAX_UNPACKED_BYTES": str(MAX_UNPACKED_BYTES),
            "TMPDIR": str(temp_dir),  # where the operator makes its workspaces
            "LOX_PARAMS": json.dumps(params),
        }
        run = run_dag_process(DAG_FILE, root=root, env=env, unset=("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE"))
        yield Outcome(
            run,
            nexus,
            temp_dir,
            pid_dir,
            root / "env-dump.json",
            root / "environ-dump.json",
            root / "sitecustomize-ran",
        )
    finally:
        nexus.stop()


@pytest.fixture(scope="module")
def unverified_allowed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DagRun, FakeNexus]]:
    """The job without a checksum, run by a worker with ``allow_unverified_assets = True``."""
    root = tmp_path_factory.mktemp("nexus-local-unverified")
    nexus = FakeNexus(users={NEXUS_USER: NEXUS_PASSWORD}, anonymous=False).start()
    try:
        nexus.add_repository(NEXUS_REPOSITORY)
        _publish_unchecked_job(nexus)
        env = {
            **_nexus_connection_env(root, nexus),
            "AIRFLOW__JOB_ORCHESTRATOR__ALLOW_UNVERIFIED_ASSETS": "True",
            "LOX_PARAMS": json.dumps({"nexus_jobs": ["nexus", NEXUS_REPOSITORY, GROUP]}),
        }
        yield run_dag_process(UNVERIFIED_DAG_FILE, root=root, env=env), nexus
    finally:
        nexus.stop()


def _failed(outcome: Outcome, task_id: str) -> tuple[str, str]:
    return outcome.run.failed(task_id), outcome.run.xcom(task_id, "failure_reason")


# -- the seeded examples ----------------------------------------------------------------------


def test_seeded_python_example_gets_hostile_arguments_unchanged(outcome):
    log = outcome.run.succeeded("seed_hello")
    assert "Hello from a Job Orchestrator Python job" in log
    assert one_report(log, "arguments:") == HOSTILE_ARGS
    assert "Artifact examples/org.example.jobs:hello-python:latest resolved to version 1.1.0" in log
    assert outcome.run.xcom("seed_hello", "artifact_version") == "1.1.0"
    assert "JOB_ARTIFACT_VERSION=1.1.0" in log


def test_seeded_shell_example_runs(outcome):
    log = outcome.run.succeeded("seed_disk_report")
    assert "Disk report for: ." in log
    assert "arguments received: 1" in log


def test_seeded_talend_zip_is_unpacked_and_its_run_script_runs(outcome):
    log = outcome.run.succeeded("seed_talend")
    assert (
        "customer-sync-2.0.1.zip: entrypoint jobs/1-customer-sync-2.0.1/CustomerSync/CustomerSync_run.sh"
        in log
    )
    assert "CustomerSync (Talend-style export) starting in " in log
    assert "context parameters: {'region': 'north'}" in log
    assert "synchronised 3 customers" in log


# -- artifacts built here: arguments arrive byte for byte -------------------------------------------


def test_python_job_gets_hostile_arguments_unchanged(outcome):
    log = outcome.run.succeeded("local_py")
    assert "argv-job local 1.0.0 says hello" in log
    assert one_report(log, "ARGV") == HOSTILE_ARGS


def test_shell_job_gets_hostile_arguments_unchanged(outcome):
    log = outcome.run.succeeded("local_sh")
    assert "shell job says hello" in log
    assert hex_args(log) == HOSTILE_ARGS


def test_jar_gets_hostile_arguments_unchanged_even_without_a_worker_locale(outcome):
    log = outcome.run.succeeded("local_jar")
    assert "[job-runner] arg-hex-1.0.0.jar: entrypoint assets/arg-hex-1.0.0.jar, run with java" in log
    assert "java job says hello" in log
    assert hex_args(log) == HOSTILE_ARGS


# -- Nexus with basic auth --------------------------------------------------------------------


def test_nexus_latest_is_downloaded_with_the_connection_login(outcome):
    log = outcome.run.succeeded("nexus_latest")
    assert "argv-job:latest resolved to version 1.10.0" in log
    assert outcome.run.xcom("nexus_latest", "artifact_version") == "1.10.0"
    assert "argv-job 1.10.0 says hello" in log
    assert "[job-runner] argv-job-1.10.0.py: sha256 verified" in log
    assert one_report(log, "ARGV") == HOSTILE_ARGS
    downloads = [r for r in outcome.nexus.requests if r.path.endswith("/argv-job-1.10.0.py")]
    assert [(r.user, r.status) for r in downloads] == [(NEXUS_USER, 200)]


def test_jobs_see_neither_credentials_nor_airflow_variables(outcome):
    for task_id in ("local_py", "nexus_latest"):
        names = one_report(outcome.run.succeeded(task_id), "ENV-NAMES")
        assert "JOB_RUN_ID" in names and "JOB_ARTIFACT_VERSION" in names, names
        assert not {"JOB_RUNNER_USERNAME", "JOB_RUNNER_PASSWORD"} & set(names), names
        assert not [name for name in names if name.startswith("AIRFLOW")], names
    environment = json.loads(outcome.env_dump.read_text(encoding="utf-8"))
    assert environment["JOB_DAG_ID"] == "nexus_local_e2e"
    assert not [name for name, value in environment.items() if NEXUS_PASSWORD in value]


# -- failures ---------------------------------------------------------------------------------


def test_job_exit_code_fails_the_task_with_the_code(outcome):
    log, reason = _failed(outcome, "local_exit_3")
    assert "failing job: about to exit with code 3" in log
    assert reason == "failing.py exited with code 3"
    assert f"failed: {reason}" in log


def test_checksum_mismatch_says_so(outcome):
    log, reason = _failed(outcome, "nexus_checksum")
    assert reason.startswith("checksum mismatch for corrupt-job-1.0.0.py: expected sha256 "), reason
    assert reason.endswith("(exit code 91)"), reason
    assert f"failed: {reason}" in log
    assert "tampered with" not in log, "the corrupt file never ran"


def test_asset_without_checksum_fails_the_task_with_the_reason(outcome):
    log, reason = _failed(outcome, "nexus_no_checksum")
    assert reason == NO_CHECKSUM_REASON
    assert f"failed: {reason}" in log
    assert "argv-job unchecked says hello" not in log, "the unverified file never ran"
    assert not [r for r in outcome.nexus.requests if r.path.endswith(f"/{UNCHECKED_FILE}")], "nor was fetched"


def test_asset_without_checksum_runs_when_the_admin_allows_unverified_assets(unverified_allowed):
    run, nexus = unverified_allowed
    log = run.succeeded("nexus_no_checksum")
    warning = (
        f"WARNING: {UNCHECKED_FILE} has no checksum in the plan, so it is NOT verified (allowed by the plan;"
    )
    assert f"[job-runner] {warning} sha256 " in log
    assert "argv-job unchecked says hello" in log
    downloads = [r for r in nexus.requests if r.path.endswith(f"/{UNCHECKED_FILE}")]
    assert [(r.user, r.status) for r in downloads] == [(NEXUS_USER, 200)]


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_execution_timeout_ends_the_whole_process_group(outcome):
    log = outcome.run.failed("local_timeout")
    assert "job waits for its grandchild" in log
    assert "AirflowTaskTimeout" in log
    assert outcome.run.xcom("local_timeout", "failure_reason") == (
        f"the run took longer than its execution timeout ({timedelta(seconds=TIMEOUT_SECONDS)}) and was stopped"
    )
    pids = {name: int((outcome.pid_dir / f"{name}.pid").read_text()) for name in ("job", "grandchild")}
    deadline = time.monotonic() + CLEAN_EXIT_SECONDS
    while not all(_gone(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.05)  # polling the process table: nothing to wait on for another's process
    assert {name: _gone(pid) for name, pid in pids.items()} == {"job": True, "grandchild": True}


def test_workspaces_are_removed_after_every_run(outcome):
    for task_id in ("local_py", "nexus_latest"):
        cwd = Path(one_report(outcome.run.succeeded(task_id), "CWD"))
        assert cwd.is_relative_to(outcome.temp_dir), cwd
        assert not cwd.exists(), cwd
    assert len(outcome.run.states) == 14
    assert not list(outcome.temp_dir.glob("job-orchestrator-*")), "no run, failed or timed out, leaves one"


# -- what a job can reach -------------------------------------------------------------------------


def test_no_process_a_job_can_read_holds_the_nexus_password(outcome):
    """Fetch (with the credentials, on its stdin) ended before the job started; exec never had them."""
    log = outcome.run.succeeded("nexus_environ_probe")
    assert "[job-runner] environ-probe.py: sha256 verified" in log
    dump = json.loads(outcome.environ_dump.read_text(encoding="utf-8"))
    holders = [pid for pid, environ in dump["environs"].items() if NEXUS_PASSWORD in environ]
    assert holders == []
    runner_environ = dump["environs"][dump["parent"]]
    assert "PATH=" in runner_environ, "the probe could read its parent runner's environment"
    assert "ENVIRON_DUMP" not in runner_environ, "the job's variables are not the runner's"
    downloads = [r for r in outcome.nexus.requests if r.path.endswith("/environ-probe.py")]
    assert [(r.user, r.status) for r in downloads] == [(NEXUS_USER, 200)]


def test_job_variables_reach_the_job_but_not_the_python_running_the_runner(outcome):
    """PYTHONPATH=config and a config file sitecustomize.py would run inside the runner."""
    log = outcome.run.succeeded("local_env_isolation")
    names = one_report(log, "ENV-NAMES")
    assert {"PYTHONPATH", "PYTHONSTARTUP", "MARKER_FILE", "JOB_CONFIG_DIR"} <= set(names), names
    assert not outcome.marker_file.exists(), outcome.marker_file.read_text(encoding="utf-8")
    assert "sitecustomize" not in log


def test_max_unpacked_bytes_of_the_config_limits_local_runs(outcome):
    log, reason = _failed(outcome, "local_too_big")
    assert "big-zip-1.0.0.zip' refused: it declares" in reason, reason
    assert f"more than the limit of {MAX_UNPACKED_BYTES}" in reason, reason
    assert "too big to run" not in log
