"""Integration tests run a real Airflow: the harness and its fixtures live in airflow_stack.py."""

from tests.integration.airflow_stack import (
    airflow_stack,
    airflow_stack_factory,
    pytest_runtest_makereport,
)
from tests.integration.jobs_stack import jobs_stack

__all__ = ["airflow_stack", "airflow_stack_factory", "jobs_stack", "pytest_runtest_makereport"]
