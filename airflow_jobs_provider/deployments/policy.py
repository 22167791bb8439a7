"""The admin's rules a spec is checked against: executors, catalogs, resource defaults and ceilings,
the connections a failure webhook may name.

Validators find the policy in pydantic's validation context, so a batch of specs (the store's
``list()`` at every DAG parse) reads the configuration once, and tests pass their own rules.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from airflow_jobs_provider.deployments.catalogs import SmbEndpoint, runner_catalog, smb_catalog
from airflow_jobs_provider.operators.pod_options import JobResources

_CONTEXT_KEY = "deployment_policy"


@dataclass(frozen=True)
class DeploymentPolicy:
    """What users may deploy. ``max_*_limit`` empty means no ceiling."""

    allowed_executors: frozenset[str] = frozenset({"kubernetes", "local"})
    runner_images: frozenset[str] = frozenset()
    smb_endpoints: Mapping[str, SmbEndpoint] = field(default_factory=dict)
    default_resources: JobResources = field(default_factory=JobResources)
    max_cpu_limit: str = ""
    max_memory_limit: str = ""
    # Loader variables (``operators.job_environment``) users may set after all: names or patterns.
    allowed_loader_env: tuple[str, ...] = ()
    # Connections a failure webhook may name: ids or fnmatch patterns.
    webhook_connections: tuple[str, ...] = ("*",)

    @classmethod
    def from_config(cls) -> DeploymentPolicy:
        from airflow_jobs_provider import settings

        defaults = settings.PodDefaults.from_config()
        return cls(
            allowed_executors=frozenset(settings.allowed_executors()),
            runner_images=frozenset(image.image for image in runner_catalog()),
            smb_endpoints=smb_catalog(),
            default_resources=JobResources(
                cpu_request=defaults.cpu_request,
                memory_request=defaults.memory_request,
                cpu_limit=defaults.cpu_limit,
                memory_limit=defaults.memory_limit,
            ),
            max_cpu_limit=settings.max_cpu_limit(),
            max_memory_limit=settings.max_memory_limit(),
            allowed_loader_env=settings.allowed_loader_env(),
            webhook_connections=settings.webhook_connections(),
        )

    def as_context(self) -> dict[str, Any]:
        """The ``context`` argument of ``model_validate`` that makes validators use this policy."""
        return {_CONTEXT_KEY: self}


def policy_from_context(context: Any) -> DeploymentPolicy:
    """The policy a validation was given, else the admin's configuration as it is now."""
    if isinstance(context, Mapping) and isinstance(context.get(_CONTEXT_KEY), DeploymentPolicy):
        return context[_CONTEXT_KEY]
    return DeploymentPolicy.from_config()


def check_offered(value: str, offered: Collection[str], what: str) -> str:
    """``value`` if the admin offers it, else a ``ValueError`` that lists what is offered."""
    if value not in offered:
        raise ValueError(f"{value!r} is not {what} ({', '.join(sorted(offered)) or 'none are configured'})")
    return value


def check_webhook_connection(conn_id: str, allowed: Sequence[str]) -> str:
    """``conn_id`` if one of ``allowed`` (``[job_orchestrator] webhook_connections``) matches it.

    Checked when a spec is validated and again by the worker's hook, before it reads the
    connection: a spec file edited by hand cannot make a worker send another connection's
    credentials.
    """
    if not any(fnmatchcase(conn_id, pattern) for pattern in allowed):
        raise ValueError(
            f"connection {conn_id!r} is not one the admin allows for webhooks "
            f"([job_orchestrator] webhook_connections: {', '.join(allowed) or 'none'})"
        )
    return conn_id
