"""Airflow finds the plugin through its entry point and through the provider, and mounts its app."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json
import sys
from airflow import plugins_manager
from airflow.providers_manager import ProvidersManager

plugins_manager.ensure_plugins_loaded()
api_imported_on_load = "airflow_jobs_provider.plugin.app" in sys.modules
apps, _ = plugins_manager.get_fastapi_plugins()
manager = ProvidersManager()
manager.initialize_providers_plugins()
print(json.dumps({
    "apps": [[app["name"], app["url_prefix"], type(app["app"]).__name__] for app in apps],
    "provider_plugins": [[p.name, p.plugin_class] for p in manager.plugins],
    "import_errors": plugins_manager.get_import_errors(),
    "api_imported_on_load": api_imported_on_load,
}))
"""


def test_airflow_loads_the_plugin(tmp_path: Path) -> None:
    env = {"AIRFLOW_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    # cwd: not the repository, whose egg-info would register the entry point a second time
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=tmp_path, capture_output=True, text=True, check=True
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {
        "apps": [["Job Orchestrator", "/job-orchestrator", "FastAPI"]],
        "provider_plugins": [
            ["job_orchestrator", "airflow_jobs_provider.plugin.airflow_plugin.JobOrchestratorPlugin"]
        ],
        "import_errors": {},
        "api_imported_on_load": False,  # task processes load plugins too: they skip the API
    }
