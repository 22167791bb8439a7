"""``[job_orchestrator]`` options whose value is a JSON document, checked by a pydantic type.

The catalogs, the navigation links and the pod security relaxations are each read the same
way: empty means none, and every problem reaches the admin as one line that names the option.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import TypeAdapter, ValidationError

from airflow_jobs_provider.deployments.messages import error_messages
from airflow_jobs_provider.settings import SECTION

T = TypeVar("T")


def parse_json_option(
    text: str, adapter: TypeAdapter[T], option: str, error: type[Exception] = ValueError
) -> T | None:
    """The option's value, None when it is empty; else ``error`` naming the option and each problem."""
    if not text.strip():
        return None
    try:
        return adapter.validate_json(text)
    except ValidationError as exc:
        problems = "; ".join(error_messages(exc))
        raise error(f"[{SECTION}] {option} is not valid: {problems}") from None
