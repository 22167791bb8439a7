"""A real Airflow with the Job Orchestrator's pages, a Nexus simulator and the local examples.

The simulator's search answers 5 components a page, so its repository takes more than one
page; it wants a login, so refused credentials can be shown. The local source holds the seeded
examples and ``tests/echo-job``, which prints its arguments (``ECHO {...}``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.nexus import FakeNexus
from tests.integration.airflow_stack import AirflowStack, StackFactory
from tests.integration.jobs_stack import lay_out_jobs

NEXUS_USER = "ci"
NEXUS_PASSWORD = "nexus-secret-pw"
NEXUS_REPOSITORY = "releases"
NEXUS_COMPONENTS = [f"sync-job-{number:02d}" for number in range(1, 8)]  # 3 versions each: 5 pages of 5
NEXUS_REPORT = "monthly-report"  # one more, in another group: a search finds it alone
RUNNER_IMAGE = "python:3.12-slim"
USERS = {"admin": ("admin", "admin-secret-pw"), "viewer": ("viewer", "viewer-secret-pw")}


@dataclass
class UiStack:
    airflow: AirflowStack
    nexus: FakeNexus

    @property
    def base_url(self) -> str:
        return self.airflow.base_url


def start_nexus() -> FakeNexus:
    nexus = FakeNexus(users={NEXUS_USER: NEXUS_PASSWORD}, anonymous=False, search_page_size=5).start()
    nexus.add_repository(NEXUS_REPOSITORY)
    for name in NEXUS_COMPONENTS:
        for version in ("1.0.0", "1.1.0", "2.0.0-SNAPSHOT"):
            nexus.add_component(
                NEXUS_REPOSITORY,
                "org.example.jobs",
                name,
                version,
                {f"{name}-{version}.jar": b"PK\x03\x04jar"},
            )
    nexus.add_component(
        NEXUS_REPOSITORY, "org.example.reports", NEXUS_REPORT, "0.9.0", {"report.py": b"print(1)"}
    )
    return nexus


def start_ui_stack(factory: StackFactory, root: Path, nexus: FakeNexus, **options: object) -> UiStack:
    dags, artifacts = lay_out_jobs(root)
    connection = {
        "conn_type": "nexus",
        "host": nexus.base_url,
        "login": NEXUS_USER,
        "password": NEXUS_PASSWORD,
    }
    airflow = factory(
        dags_folder=dags,
        users=USERS,
        env={
            "AIRFLOW__JOB_ORCHESTRATOR__SPECS_FOLDER": str(root / "specs"),
            "AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT": str(artifacts),
            "AIRFLOW__JOB_ORCHESTRATOR__RUNNER_IMAGES": f"Python 3.12={RUNNER_IMAGE}",
            "AIRFLOW_CONN_NEXUS_DEFAULT": json.dumps(connection),
        },
        **options,
    )
    return UiStack(airflow=airflow, nexus=nexus)
