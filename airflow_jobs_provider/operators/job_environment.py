"""The environment a job sees: the user's variables plus the run's context, as plain data.

Jobs get the run context (logical date, run id, resolved version) through ``JOB_*``
variables instead of Jinja templates, so nothing a user types is ever rendered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from airflow_jobs_provider.artifacts.reference import ResolvedArtifact

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
RESERVED_PREFIXES = ("JOB_RUNNER_", "AIRFLOW")
CONTEXT_PREFIX = "JOB_"
CONTEXT_FIELDS = (
    "DAG_ID",
    "TASK_ID",
    "RUN_ID",
    "TRY_NUMBER",
    "LOGICAL_DATE",
    "ARTIFACT_REPOSITORY",
    "ARTIFACT_GROUP",
    "ARTIFACT_NAME",
    "ARTIFACT_VERSION",
)
CONTEXT_NAMES = frozenset(f"{CONTEXT_PREFIX}{field}" for field in CONTEXT_FIELDS)


class JobEnvironmentError(ValueError):
    """A user-given environment variable cannot be passed to the job."""


def validate_job_env(env: Mapping[str, str]) -> dict[str, str]:
    """Check names and values; return a plain dict copy so later edits cannot leak in."""
    checked: dict[str, str] = {}
    for name, value in env.items():
        if not isinstance(name, str) or not ENV_NAME.match(name):
            raise JobEnvironmentError(
                f"environment variable name {name!r} is not valid: use letters, digits and _, "
                "not starting with a digit"
            )
        if name.upper().startswith(RESERVED_PREFIXES):
            raise JobEnvironmentError(
                f"environment variable {name!r} is reserved (names starting with "
                f"{' or '.join(RESERVED_PREFIXES)} belong to the orchestrator)"
            )
        if name in CONTEXT_NAMES:
            raise JobEnvironmentError(
                f"environment variable {name!r} is set by the orchestrator for every run"
            )
        if not isinstance(value, str):
            raise JobEnvironmentError(
                f"environment variable {name!r} must be a string, not {type(value).__name__}"
            )
        if "\x00" in value:
            raise JobEnvironmentError(f"environment variable {name!r} contains a NUL character")
        checked[name] = value
    return checked


def run_context_env(context: Mapping[str, Any], resolved: ResolvedArtifact) -> dict[str, str]:
    """What the job may want to know about this run, without templating."""
    ti = context["ti"]
    logical_date = context.get("logical_date")
    values = (
        ti.dag_id,
        ti.task_id,
        ti.run_id,
        str(ti.try_number),
        logical_date.isoformat() if logical_date else "",
        resolved.ref.repository,
        resolved.ref.group,
        resolved.ref.name,
        resolved.version,
    )
    return {f"{CONTEXT_PREFIX}{field}": value for field, value in zip(CONTEXT_FIELDS, values, strict=True)}
