"""Example DAG written by hand: run the example jobs of the local artifact source.

The embedded default (README, first command) seeds those artifacts; trigger this DAG and
open a task's log to see the job's own output.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_jobs_provider.artifacts.reference import ArtifactRef
from airflow_jobs_provider.operators.local import NexusLocalOperator

GROUP = "org.example.jobs"

with DAG(
    dag_id="example_local_jobs",
    description="Runs the seeded example jobs with the local operator",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["job-orchestrator", "example"],
    doc_md=__doc__,
):
    hello = NexusLocalOperator(
        task_id="hello_python",
        artifact=ArtifactRef(source="local", repository="examples", group=GROUP, name="hello-python"),
        job_args=["--greeting", "Hello, world", "it's $(not) a `shell`"],
        job_env={"GREETING_STYLE": "friendly"},
    )
    report = NexusLocalOperator(
        task_id="disk_report",
        artifact=ArtifactRef(
            source="local", repository="examples", group=GROUP, name="disk-report", version="0.3.0"
        ),
        job_args=["."],
    )
    talend = NexusLocalOperator(
        task_id="customer_sync",
        artifact=ArtifactRef(source="local", repository="examples", group=GROUP, name="customer-sync"),
        job_args=["--context_param", "region=north"],
    )
    hello >> report >> talend
