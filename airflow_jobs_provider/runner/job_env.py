"""The job's environment: the runner's own, without the runner's settings, plus the job's
variables, which come as data in a file and never as the runner's environment.

Variables such as ``PYTHONPATH`` or ``LD_PRELOAD`` would change the Python that runs the
runner itself (before any checksum is checked), so a deployer's variables reach only the
job's process.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from .errors import UsageError

RUNNER_PREFIX = "JOB_RUNNER_"


def job_environment(environ: Mapping[str, str], job_env: Mapping[str, str]) -> dict[str, str]:
    """The runner's settings (credentials included) are not the job's."""
    env = {name: value for name, value in environ.items() if not name.startswith(RUNNER_PREFIX)}
    env.update(job_env)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def read_job_env_file(path: str) -> dict[str, str]:
    """A JSON object of variable names to string values."""
    try:
        with open(path, encoding="utf-8") as env_file:
            document = json.load(env_file)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the job environment file {path!r}: {exc}") from None
    if not isinstance(document, dict):
        raise UsageError(f"the job environment file {path!r} must hold a JSON object")
    for name, value in document.items():
        if not name or "=" in name or "\x00" in name or name.startswith(RUNNER_PREFIX):
            raise UsageError(f"the job environment file {path!r} names a variable {name!r} a job cannot have")
        if not isinstance(value, str) or "\x00" in value:
            raise UsageError(f"the job environment variable {name!r} must be a string without NUL")
    return document
