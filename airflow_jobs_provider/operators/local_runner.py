"""How the local operator starts the runner: the pod's bundle, an isolated Python, our environment.

Nothing a deployer sets reaches the Python that runs the runner: it starts from a fixed
environment, in isolated mode, without the site module, from the zipapp the pods use, with the
workspace (not its config folder) as working folder. The deployer's variables travel as data
in a file that only the exec step reads, and are set on the job's process alone.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from airflow_jobs_provider.operators.runner_bundle import BUNDLE_RELATIVE_PATH, runner_zipapp
from airflow_jobs_provider.runner.report import TERMINATION_LOG_ENV

# The worker's own environment holds Airflow's secrets (database URL, fernet key,
# connections); the runner starts with only these from it, and the job gets them plus its own.
INHERITED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER", "LOGNAME", "JAVA_HOME")
# Isolated mode (no PYTHON* variables, no user site, neither the script's nor the working
# folder on sys.path) and no site module (no .pth file runs): the standard library and the bundle.
PYTHON_OPTIONS = ("-I", "-S")
# Where the runner writes why it failed (a download, a checksum, the job's exit), as in a pod.
TERMINATION_LOG_FILE = "termination-log"
# The job's own variables, handed to the exec step as data.
JOB_ENV_FILE = ".job-runner/job-env.json"


@dataclass(frozen=True)
class LocalRunner:
    """The runner bundle written into one workspace, started the same way for fetch and exec."""

    workspace: Path

    @classmethod
    def install(cls, workspace: Path) -> LocalRunner:
        runner = cls(workspace)
        _write_private(runner.bundle, runner_zipapp())
        return runner

    @property
    def bundle(self) -> Path:
        return self.workspace / BUNDLE_RELATIVE_PATH

    @property
    def termination_log(self) -> Path:
        return self.workspace / TERMINATION_LOG_FILE

    def command(self, step: str, *args: str) -> list[str]:
        return [
            sys.executable,
            *PYTHON_OPTIONS,
            str(self.bundle),
            step,
            "--workspace",
            str(self.workspace),
            *args,
        ]

    def env(self, settings: Mapping[str, str]) -> dict[str, str]:
        """The worker's harmless variables and the runner's ``settings``, nothing else."""
        env = {name: os.environ[name] for name in INHERITED_ENV if name in os.environ}
        env[TERMINATION_LOG_ENV] = str(self.termination_log)
        env.update(settings)
        return env

    def write_job_env(self, job_env: Mapping[str, str]) -> Path:
        path = self.workspace / JOB_ENV_FILE
        _write_private(path, json.dumps(dict(job_env)).encode())
        return path


def _write_private(path: Path, data: bytes) -> None:
    """A new file readable by the worker's user only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)
