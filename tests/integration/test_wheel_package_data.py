"""A wheel built from the repository carries the pages: installed into a clean virtualenv, it
serves the bundle and the API docs' assets (package data is easy to lose in packaging)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
# Left out of the copy the wheel is built from: a stale build/ would hide lost package data.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "node_modules", ".demo", ".test-runs", "__pycache__"
)
PROBE = """
import json, os
from fastapi.testclient import TestClient
import airflow_jobs_provider
from airflow_jobs_provider.plugin.airflow_plugin import JobOrchestratorPlugin
from airflow_jobs_provider.plugin.app import create_app

client = TestClient(create_app())
(entry,) = JobOrchestratorPlugin.react_apps
answers = {}
for url in (entry["bundle_url"], entry["icon"], "/job-orchestrator/static/swagger-ui-bundle.js",
            "/job-orchestrator/static/swagger-ui.css"):
    answer = client.get(url.removeprefix("/job-orchestrator"))
    answers[url.split("?")[0]] = [answer.status_code, answer.headers.get("content-type"), len(answer.content)]
print(json.dumps({"package": airflow_jobs_provider.__file__, "answers": answers}))
"""


def test_an_installed_wheel_serves_the_pages(tmp_path: Path) -> None:
    source, wheels = tmp_path / "source", tmp_path / "wheels"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("airflow_jobs_provider-*.whl")
    clean = tmp_path / "venv"
    venv.create(clean, with_pip=True)
    python = clean / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    # Dependencies (Airflow, FastAPI) come from the test's own environment, after the wheel's
    # copy: a .pth line only adds a path, so the editable install there is not picked up.
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    result = subprocess.run(
        [str(python), "-c", PROBE],
        cwd=tmp_path,
        env={"AIRFLOW_HOME": str(tmp_path / "airflow"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(found["package"]).is_relative_to(clean)
    answers = found["answers"]
    assert len(answers) == 4
    for url, (status, _media_type, size) in answers.items():
        assert status == 200, url
        assert size > 0, url
    assert answers["/job-orchestrator/static/job-orchestrator.js"][1].startswith("application/javascript")
    assert answers["/job-orchestrator/static/swagger-ui.css"][1].startswith("text/css")
