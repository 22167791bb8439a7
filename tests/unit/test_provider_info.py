"""Airflow discovers the provider through its entry point, with its connection type and config."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import entry_points

from airflow_jobs_provider.get_provider_info import CONFIG_OPTIONS, get_provider_info


def test_entry_point_points_at_get_provider_info():
    (entry,) = [
        ep for ep in entry_points(group="apache_airflow_provider") if ep.value.startswith("airflow_jobs")
    ]
    assert entry.load() is get_provider_info


def test_every_option_is_documented_with_a_default():
    for name, option in CONFIG_OPTIONS.items():
        assert option["description"].strip(), name
        assert isinstance(option["default"], str), name
        assert option["type"] in {"string", "integer", "boolean"}, name


PROBE = """
import json
from airflow.configuration import conf
from airflow.providers_manager import ProvidersManager

manager = ProvidersManager()
manager.initialize_providers_configuration()
info = manager.providers["airflow-jobs-provider"]
hook = manager.hooks["nexus"]
print(json.dumps({
    "version": info.version,
    "hook": hook.hook_class_name if hook else None,
    "runner_image": conf.get("job_orchestrator", "default_runner_image"),
    "overridden": conf.get("job_orchestrator", "namespace"),
}))
"""


def test_airflow_loads_the_provider_and_its_config_defaults(tmp_path):
    env = {
        "AIRFLOW_HOME": str(tmp_path),
        "AIRFLOW__JOB_ORCHESTRATOR__NAMESPACE": "data-jobs",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {
        "version": get_provider_info()["versions"][0],
        "hook": "airflow_jobs_provider.hooks.nexus.NexusHook",
        "runner_image": CONFIG_OPTIONS["default_runner_image"]["default"],
        "overridden": "data-jobs",
    }
