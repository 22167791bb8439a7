"""The README's first command works: ``scripts/demo.sh`` starts Airflow, and the example jobs run.

The script runs as a user would run it from a fresh shell (no virtualenv on ``PATH``, no Airflow
settings in the environment) with its own ``DEMO_HOME`` and ``PORT``. The test reads the password
from the banner, triggers ``example_local_jobs`` through the REST API, reads each task's log, and
stops standalone's whole process tree, checking that nothing of it is left.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from tests.integration.airflow_stack import (
    AirflowClient,
    free_port,
    stop_process_tree,
    tail,
    wait_until,
)

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DAG_ID = "example_local_jobs"
BANNER_LOGIN = re.compile(r"^\s*Login\s+admin / (\S+)\s*$", re.MULTILINE)
EXPECTED_ARGUMENTS = ["--greeting", "Hello, world", "it's $(not) a `shell`"]


@dataclass
class Demo:
    process: subprocess.Popen[bytes]
    output: Path
    home: Path
    port: int
    clients: list[AirflowClient] = field(default_factory=list)

    def check_running(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"demo.sh exited with {self.process.returncode}:\n{tail(self.output, 120)}")

    def client(self, password: str) -> AirflowClient:
        client = AirflowClient(f"http://127.0.0.1:{self.port}", "admin", password, check=self.check_running)
        self.clients.append(client)
        return client


def _user_environment(home: Path, port: int) -> dict[str, str]:
    """A user's shell: no Airflow settings, the project's virtualenv not on PATH."""
    venv_bin = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW_", "AIRFLOW__", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    env.update(
        {
            "DEMO_HOME": str(home),
            "PORT": str(port),
            "AIRFLOW__CORE__PARALLELISM": "2",
            # standalone's log servers default to fixed ports: keep clear of other Airflows here
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        }
    )
    return env


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError:
        return False
    return True


def _processes_with_home(home: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("DEMO_HOME") == str(home):
                found.append(proc)
        except (psutil.Error, OSError):
            continue
    return found


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    home, port = tmp_path / "demo", free_port()
    output = tmp_path / "demo.out"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [str(REPO / "scripts" / "demo.sh")],
            cwd=tmp_path,
            env=_user_environment(home, port),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Demo(process=process, output=output, home=home, port=port)
    try:
        yield running
    finally:
        for client in running.clients:
            client.session.close()
        # SIGTERM to the process group, SIGKILL to what outlives 20 s. (Not SIGINT: after a Ctrl-C
        # to the whole group, Airflow 3.3's scheduler waits for its LocalExecutor workers, which
        # got the SIGINT too, and did not exit within a minute here.)
        leftovers = stop_process_tree(process.pid, grace=20)
        strays = [p for p in _processes_with_home(home) if p not in leftovers]
        for stray in strays:  # not in the tree (e.g. orphaned early): report it, but do not leak it
            with contextlib.suppress(psutil.Error):
                stray.kill()
        leftovers += strays
        print(f"demo.sh output (last lines):\n{tail(output, 60)}")
        assert not leftovers, f"still running after stopping demo.sh: {leftovers}"
        assert not _listening(port), f"something still listens on the demo's port {port}"


def _lines_of_failed_tasks(client: AirflowClient, run_id: str) -> str:
    parts = []
    for ti in client.task_instances(DAG_ID, run_id):
        if ti["state"] != "success" and ti["try_number"]:
            log = client.task_log_text(DAG_ID, run_id, ti["task_id"])
            parts.append(f"----- {ti['task_id']} ({ti['state']}) -----\n{log}")
    return "\n".join(parts)


def test_demo_runs_the_example_jobs(demo: Demo) -> None:
    # bootstrap.sh may install into .venv first: the banner comes after that
    banner = wait_until(
        lambda: BANNER_LOGIN.search(demo.output.read_text(errors="replace")),
        timeout=600,
        description="the banner with the admin password",
        check=demo.check_running,
    )
    client = demo.client(password=banner.group(1))
    client.wait_healthy(("metadatabase", "scheduler", "dag_processor", "triggerer"), timeout=240)
    client.wait_for_dag(DAG_ID, timeout=180, dag_file="example_local_jobs.py")

    run = client.run_dag(DAG_ID, timeout=300)
    run_id = run["dag_run_id"]
    assert run["state"] == "success", _lines_of_failed_tasks(client, run_id)

    # the job's own output, read through the API; polled, as the log may trail the state
    def line_of(task_id: str, prefix: str) -> str:
        return client.wait_for_log_line(DAG_ID, run_id, task_id, lambda line: line.startswith(prefix))

    assert line_of("hello_python", "Hello from") == "Hello from a Job Orchestrator Python job"
    arguments = line_of("hello_python", "arguments:").removeprefix("arguments:")
    assert json.loads(arguments) == EXPECTED_ARGUMENTS  # hostile characters arrived as data
    # `latest` resolved to the newest version
    assert line_of("hello_python", "JOB_ARTIFACT_VERSION=") == "JOB_ARTIFACT_VERSION=1.1.0"
    hello = client.task_log_text(DAG_ID, run_id, "hello_python")
    assert "GREETING_STYLE" not in hello  # the job prints only JOB_* variables
    assert line_of("customer_sync", "synchronised") == "synchronised 3 customers"
