"""The harness's own test: a trivial DAG on the shared real Airflow is listed, runs, and logs."""

from __future__ import annotations

import pytest

from tests.integration.airflow_stack import AirflowStack

pytestmark = pytest.mark.integration

DAG_ID = "harness_smoke"

# Two kinds of output: a @task function's print (captured stdout) and a BashOperator's echo
# (a subprocess's output logged by its hook). Hostile characters must arrive as data.
DAG_SOURCE = """
import pendulum
from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import dag, task


@dag(dag_id="harness_smoke", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
     catchup=False, tags=["harness"])
def harness_smoke():
    @task
    def say_hello(greeting: str) -> str:
        print(f"harness says: {greeting}")
        return greeting

    echo = BashOperator(task_id="echo", bash_command="echo \\"bash says: $MESSAGE\\"",
                        env={"MESSAGE": "it's $(not) a `shell`"})
    say_hello("Hello from the harness DAG") >> echo


harness_smoke()
"""


def test_trivial_dag_is_listed_runs_and_logs(airflow_stack: AirflowStack) -> None:
    client = airflow_stack.client
    airflow_stack.add_dag_file("harness_smoke.py", DAG_SOURCE)

    dag = client.wait_for_dag(DAG_ID, dag_file="harness_smoke.py")
    assert dag["dag_id"] == DAG_ID
    assert DAG_ID in {d["dag_id"] for d in client.list_dags()}
    client.request_reparse(DAG_ID)  # a priority parse request is accepted

    run = client.run_dag(DAG_ID)
    run_id = run["dag_run_id"]
    states = {ti["task_id"]: ti["state"] for ti in client.task_instances(DAG_ID, run_id)}
    assert run["state"] == "success", states
    assert states == {"say_hello": "success", "echo": "success"}

    # the log is read through the API (structured JSON records), polled until the line is there
    def line_of(task_id: str, prefix: str) -> str:
        return client.wait_for_log_line(DAG_ID, run_id, task_id, lambda line: line.startswith(prefix))

    assert line_of("say_hello", "harness says:") == "harness says: Hello from the harness DAG"
    assert line_of("echo", "bash says:") == "bash says: it's $(not) a `shell`"
