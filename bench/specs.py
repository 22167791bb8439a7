"""Deployment specs for the parse and listing benchmarks: typical ones, written by the store itself.

Three in four run in Kubernetes, one in four locally; most are nightly, some hourly or one-off;
each has a couple of arguments, environment variables, a config file and a notification, so
validation and DAG building do their usual work (no hostile or huge values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from airflow_jobs_provider.deployments.policy import DeploymentPolicy
from airflow_jobs_provider.deployments.secrets import InMemorySecretSink
from airflow_jobs_provider.deployments.spec import validate_spec
from airflow_jobs_provider.deployments.store import SpecStore
from airflow_jobs_provider.operators.pod_options import JobResources

RUNNER_IMAGE = "registry.example.org/talend-runner:17"

# The same rules as the configuration the parse benchmark gives Airflow: this runner image, and
# the documented defaults of [job_orchestrator] for everything else.
POLICY = DeploymentPolicy(
    allowed_executors=frozenset({"kubernetes", "local"}),
    runner_images=frozenset({RUNNER_IMAGE}),
    default_resources=JobResources(
        cpu_request="250m", memory_request="256Mi", cpu_limit="2", memory_limit="2Gi"
    ),
    max_cpu_limit="8",
    max_memory_limit="16Gi",
)
CONFIGURATION = {"AIRFLOW__JOB_ORCHESTRATOR__RUNNER_IMAGES": RUNNER_IMAGE}
_SCHEDULES = ("0 3 * * *", "0 3 * * *", "15 * * * *", "none")


def spec_data(number: int) -> dict[str, Any]:
    """Deployment ``job-<number>``."""
    data: dict[str, Any] = {
        "name": f"job-{number:04d}",
        "description": f"Nightly load {number} of the customer tables into the warehouse.",
        "owner": "data-office",
        "tags": ["etl", f"team-{number % 7}"],
        "artifact": {
            "repository": "talend",
            "group": "org.example.jobs",
            "name": f"customer_sync_{number}",
            "version": f"2.{number % 10}.{number}",
        },
        "executor": "kubernetes",
        "runner_image": RUNNER_IMAGE,
        "args": ["--context_param", f"region=r{number % 5}", "--context_param", "mode=full"],
        "env": {"STAGE": "prod", "BATCH_SIZE": str(1000 + number)},
        "config_files": [
            {"file_name": "job.properties", "content": f"db.host=db{number % 3}\ndb.port=5432\n"}
        ],
        "resources": {"cpu_request": "500m", "memory_limit": "4Gi"},
        "schedule": _SCHEDULES[number % len(_SCHEDULES)],
        "timezone": "Europe/Berlin",
        "retries": 2,
        "execution_timeout_minutes": 120,
        "notify": {"emails": ["data-office@example.org"]},
    }
    if number % 4 == 3:
        for kubernetes_only in ("runner_image", "resources"):
            del data[kubernetes_only]
        data["executor"] = "local"
    return data


def write_specs(folder: Path, count: int) -> SpecStore:
    """``count`` deployments created through the store (atomic writes, history folder)."""
    store = SpecStore(folder, secrets=InMemorySecretSink(), policy=POLICY)
    for number in range(count):
        store.create(validate_spec(spec_data(number), POLICY), "ci-bot")
    return store
