from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from airflow_jobs_provider.deployments.secrets import InMemorySecretSink, SecretSink, secret_variable_key


def test_secret_variable_keys() -> None:
    assert secret_variable_key("customer-sync", "db.ini") == "job_orchestrator.secret.customer-sync_db.ini"
    assert secret_variable_key("customer-sync", ".pgpass") == "job_orchestrator.secret.customer-sync_.pgpass"
    # Deployment names hold no "_", so no two (deployment, file) pairs share a key.
    assert secret_variable_key("a", "b-c") != secret_variable_key("a-b", "c")


@pytest.mark.parametrize(
    ("deployment", "file_name"), [("../x", "a"), ("a_b", "c"), ("a", "../b"), ("a", "b/c"), ("a", "x..y")]
)
def test_secret_variable_keys_refuse_bad_parts(deployment: str, file_name: str) -> None:
    with pytest.raises(ValueError):
        secret_variable_key(deployment, file_name)


def test_in_memory_sink() -> None:
    sink: SecretSink = InMemorySecretSink()
    sink.put("k", "v")
    sink.delete("k")
    sink.delete("missing")
    assert isinstance(sink, InMemorySecretSink) and sink.values == {}


def test_airflow_variable_sink_from_a_server_process(tmp_path: Path) -> None:
    """Outside any task (as in the API server): the value lands in the database, encrypted."""
    script = textwrap.dedent(
        """
        from airflow import settings
        from airflow.models import Variable
        from airflow.utils.session import create_session

        from airflow_jobs_provider.deployments.secrets import AirflowVariableSink, secret_variable_key

        tables = [Variable.__table__, *(key.column.table for key in Variable.__table__.foreign_keys)]
        Variable.metadata.create_all(settings.engine, tables=tables)
        key = secret_variable_key("customer-sync", ".pgpass")
        sink = AirflowVariableSink()
        sink.put(key, "db:5432:*:etl:hunter2")
        with create_session() as session:
            row = session.query(Variable).filter_by(key=key).one()
            assert row.is_encrypted and "hunter2" not in row._val, row._val
        assert Variable.get(key) == "db:5432:*:etl:hunter2"
        sink.put(key, "changed")
        assert Variable.get(key) == "changed"
        sink.delete(key)
        sink.delete(key)
        assert Variable.get(key, default_var=None) is None
        print("ok")
        """
    )
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{tmp_path}/airflow.db",
        "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], check=False, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")
