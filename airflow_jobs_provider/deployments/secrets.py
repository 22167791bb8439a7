"""Where secret config-file contents live instead of the spec file: Airflow Variables.

Airflow encrypts Variable values with its Fernet key, and the key holds ``secret``, so Airflow
masks the value in task logs and shows it hidden in its UI.
"""

from __future__ import annotations

from typing import Protocol

from airflow_jobs_provider.deployments.config_files import check_file_name
from airflow_jobs_provider.deployments.naming import check_name

VARIABLE_PREFIX = "job_orchestrator.secret."


def secret_variable_key(deployment: str, file_name: str) -> str:
    """``job_orchestrator.secret.<deployment>_<file_name>``: unique, as deployment names hold no ``_``.

    Airflow's key grammar (letters, digits, ``_.-``, no ``..``) holds, since file names never hold ``..``.
    """
    return f"{VARIABLE_PREFIX}{check_name(deployment)}_{check_file_name(file_name)}"


class SecretSink(Protocol):
    """Stores secret values by key, for the spec store to write and delete."""

    def put(self, key: str, value: str) -> None: ...

    def delete(self, key: str) -> None: ...


class AirflowVariableSink:
    """Airflow Variables in the metadata database.

    Uses ``airflow.models.Variable``, which writes to the database from the API server;
    ``airflow.sdk.Variable`` needs a running task's supervisor and fails there.
    """

    def put(self, key: str, value: str) -> None:
        from airflow.models import Variable

        Variable.set(key, value, description="Secret config file of a deployment (job orchestrator)")

    def delete(self, key: str) -> None:
        from airflow.models import Variable

        Variable.delete(key)


class InMemorySecretSink:
    """A dict, for tests and dry runs."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def put(self, key: str, value: str) -> None:
        self.values[key] = value

    def delete(self, key: str) -> None:
        self.values.pop(key, None)
