"""Run one DAG with ``dag.test()`` in a child Airflow process and read back what happened.

The child gets its own ``AIRFLOW_HOME`` and SQLite metadata database and none of this
process's ``AIRFLOW*`` variables, so Airflow's configuration (connections from
``AIRFLOW_CONN_*``, ``[job_orchestrator]`` options from ``AIRFLOW__JOB_ORCHESTRATOR__*``) is
exactly what the test passes. Tasks run one after another inside the child, so each task's
log is the stdout between ``dag.test()``'s ``starting task_id=`` and ``end task`` lines.

The DAG file is written as given and must define a module-level ``dag``; it reads any test
parameters from the environment the test passes, never from text pasted into it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULT_MARKER = "DAG-RUN-RESULT "
DAG_FILE_ENV = "DAG_RUN_PROCESS_DAG_FILE"

# Runs in the child: a fresh database, the DAG module by path, dag.test(), then one line of JSON.
_CHILD = f"""
import importlib.util, json, os
from airflow.utils import db
db.upgradedb()
spec = importlib.util.spec_from_file_location("dag_under_test", os.environ[{DAG_FILE_ENV!r}])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
dag = module.dag
run = dag.test()
from airflow.models.xcom import XComModel
from airflow.utils.session import create_session
with create_session() as session:
    states = {{ti.task_id: str(ti.state) for ti in run.get_task_instances(session=session)}}
    rows = session.query(XComModel).filter(XComModel.dag_id == dag.dag_id, XComModel.run_id == run.run_id)
    xcoms = {{}}
    for row in rows:
        xcoms.setdefault(row.task_id, {{}})[row.key] = XComModel.deserialize_value(row)
print({RESULT_MARKER!r} + json.dumps({{"states": states, "xcoms": xcoms}}, default=str), flush=True)
"""
_TASK_START = re.compile(r"\[DAG TEST\] starting task_id=(\w+)")
_TASK_END = re.compile(r"\[DAG TEST\] end task task_id=")


@dataclass
class DagRun:
    """What one ``dag.test()`` run left behind."""

    states: dict[str, str]
    xcoms: dict[str, dict[str, Any]]
    logs: dict[str, str]
    output: str
    output_file: Path

    def xcom(self, task_id: str, key: str) -> Any:
        """One XCom value; a missing one fails with the task's log tail to explain why."""
        values = self.xcoms.get(task_id, {})
        assert key in values, (
            f"{task_id} pushed no XCom {key!r} ({sorted(values)}):\n{self.log_tail(task_id)}"
        )
        return values[key]

    def succeeded(self, task_id: str) -> str:
        """The task's log, once it is checked that the task succeeded."""
        assert self.states.get(task_id) == "success", (
            f"{task_id}: {self.states.get(task_id)}\n{self.log_tail(task_id)}"
        )
        return self.logs[task_id]

    def failed(self, task_id: str) -> str:
        """The task's log, once it is checked that the task failed."""
        assert self.states.get(task_id) == "failed", (
            f"{task_id}: {self.states.get(task_id)}\n{self.log_tail(task_id)}"
        )
        return self.logs[task_id]

    def log_tail(self, task_id: str, characters: int = 4000) -> str:
        return self.logs.get(task_id, f"(no log for {task_id}; see {self.output_file})")[-characters:]


def split_task_logs(output: str) -> dict[str, str]:
    """Each task's lines of ``dag.test()`` output, by task id."""
    logs: dict[str, str] = {}
    current: str | None = None
    for line in output.splitlines():
        start = _TASK_START.search(line)
        if start:
            current = start.group(1)
            logs[current] = ""
        elif _TASK_END.search(line):
            current = None
        elif current:
            logs[current] += line + "\n"
    return logs


def child_environment(
    home: Path, dags_folder: Path, extra: Mapping[str, str], unset: Iterable[str] = ()
) -> dict[str, str]:
    """This process's environment without Airflow's or pytest's variables (nor ``unset``),
    plus a fresh Airflow."""
    removed = set(unset)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AIRFLOW", "PYTEST", "_AIRFLOW")) and key not in removed
    }
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(dags_folder),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
    )
    env.update(extra)
    return env


def run_dag_process(
    dag_source: str,
    *,
    root: Path,
    env: Mapping[str, str] | None = None,
    unset: Iterable[str] = (),
    timeout: float = 300,
) -> DagRun:
    """Write ``dag_source`` under ``root``, run its ``dag`` with ``dag.test()`` in a child process.

    ``env`` is added to the child's environment (connections, configuration, test parameters);
    variables named in ``unset`` are left out of it (to stand for a worker without them).
    Fails the calling test, pointing at the saved output, when the child itself fails.
    """
    dags = root / "dags"
    dags.mkdir(parents=True, exist_ok=True)
    dag_file = dags / "dag_under_test.py"
    dag_file.write_text(dag_source, encoding="utf-8")
    child_env = child_environment(
        root / "airflow-home", dags, {**(env or {}), DAG_FILE_ENV: str(dag_file)}, unset
    )
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD],
        env=child_env,
        cwd=root,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        timeout=timeout,
        check=False,
    )
    output = completed.stdout + completed.stderr
    output_file = root / "dag-test-output.log"
    output_file.write_text(output, encoding="utf-8")
    marker = next((line for line in completed.stdout.splitlines() if line.startswith(RESULT_MARKER)), None)
    assert completed.returncode == 0 and marker, (
        f"dag.test() failed with code {completed.returncode} (see {output_file}):\n{output[-6000:]}"
    )
    result = json.loads(marker[len(RESULT_MARKER) :])
    return DagRun(result["states"], result["xcoms"], split_task_logs(output), output, output_file)
