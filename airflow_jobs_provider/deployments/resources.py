"""CPU and memory a job asks for, checked as the pod will get them: the admin's defaults filled in.

An empty value stays empty in the spec (the configured default applies when the pod is built),
but requests, limits and the admin's ceilings are compared with the defaults in place, so a
spec that validates is a pod the cluster accepts.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, ValidationInfo, model_validator

from airflow_jobs_provider.deployments.base import SpecModel
from airflow_jobs_provider.deployments.policy import policy_from_context
from airflow_jobs_provider.deployments.quantities import cpu_cores, memory_bytes
from airflow_jobs_provider.operators.pod_options import JobResources


def _cpu(value: str) -> str:
    if value:
        cpu_cores(value)
    return value


def _memory(value: str) -> str:
    if value:
        memory_bytes(value)
    return value


CpuQuantity = Annotated[str, AfterValidator(_cpu)]
MemoryQuantity = Annotated[str, AfterValidator(_memory)]


class ResourcesSpec(SpecModel):
    """Requests and limits; empty means the admin's default (``default_*`` options)."""

    cpu_request: CpuQuantity = ""
    memory_request: MemoryQuantity = ""
    cpu_limit: CpuQuantity = ""
    memory_limit: MemoryQuantity = ""

    @model_validator(mode="after")
    def _fits_policy(self, info: ValidationInfo) -> ResourcesSpec:
        policy = policy_from_context(info.context)
        defaults = policy.default_resources
        _check_pair(
            "cpu",
            cpu_cores,
            (self.cpu_request, defaults.cpu_request),
            (self.cpu_limit, defaults.cpu_limit),
            policy.max_cpu_limit,
        )
        _check_pair(
            "memory",
            memory_bytes,
            (self.memory_request, defaults.memory_request),
            (self.memory_limit, defaults.memory_limit),
            policy.max_memory_limit,
        )
        return self

    def to_job_resources(self) -> JobResources:
        return JobResources(
            cpu_request=self.cpu_request,
            memory_request=self.memory_request,
            cpu_limit=self.cpu_limit,
            memory_limit=self.memory_limit,
        )


def _check_pair(
    kind: str,
    parse: Callable[[str], Decimal],
    request: tuple[str, str],
    limit: tuple[str, str],
    ceiling: str,
) -> None:
    """``request`` and ``limit`` are (the user's value, the admin's default) for one resource."""
    request_value, request_text = _effective(parse, f"{kind}_request", *request)
    limit_value, limit_text = _effective(parse, f"{kind}_limit", *limit)
    ceiling_value = _configured(parse, f"max_{kind}_limit", ceiling)
    if request_value is not None and limit_value is not None and request_value > limit_value:
        raise ValueError(f"{kind}_request {request_text} is more than {kind}_limit {limit_text}")
    if ceiling_value is None:
        return
    if limit_value is None:
        raise ValueError(f"{kind}_limit is required: the admin caps {kind} at {ceiling}")
    if limit_value > ceiling_value:
        raise ValueError(f"{kind}_limit {limit_text} is more than the admin's ceiling of {ceiling}")


def _effective(
    parse: Callable[[str], Decimal], field: str, value: str, default: str
) -> tuple[Decimal | None, str]:
    if value:
        return parse(value), value
    parsed = _configured(parse, f"default_{field}", default)
    return parsed, f"{default} (the default)"


def _configured(parse: Callable[[str], Decimal], option: str, value: str) -> Decimal | None:
    if not value:
        return None
    try:
        return parse(value)
    except ValueError as exc:
        raise ValueError(f"the admin's [job_orchestrator] {option} is not valid: {exc}") from None
