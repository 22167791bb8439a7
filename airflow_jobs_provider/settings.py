"""Typed access to the ``[job_orchestrator]`` section, read when a task or request needs it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SECTION = "job_orchestrator"


def _get(option: str) -> str:
    from airflow.configuration import conf

    from airflow_jobs_provider.get_provider_info import CONFIG_OPTIONS

    default = CONFIG_OPTIONS[option]["default"]
    return (conf.get(SECTION, option, fallback=default) or "").strip()


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class PodDefaults:
    """Cluster-side settings an admin chooses once for every job pod."""

    kubernetes_conn_id: str
    namespace: str
    service_account: str
    image_pull_secrets: tuple[str, ...]
    init_image: str
    runner_image: str
    nexus_credentials_secret: str
    cpu_request: str
    memory_request: str
    cpu_limit: str
    memory_limit: str
    workspace_size_limit: str
    http_proxy: str
    https_proxy: str
    no_proxy: str
    max_unpacked_bytes: int

    @classmethod
    def from_config(cls) -> PodDefaults:
        return cls(
            kubernetes_conn_id=_get("kubernetes_conn_id"),
            namespace=_get("namespace"),
            service_account=_get("service_account"),
            image_pull_secrets=_csv(_get("image_pull_secrets")),
            init_image=_get("init_image") or default_init_image(),
            runner_image=_get("default_runner_image"),
            nexus_credentials_secret=_get("nexus_credentials_secret"),
            cpu_request=_get("default_cpu_request"),
            memory_request=_get("default_memory_request"),
            cpu_limit=_get("default_cpu_limit"),
            memory_limit=_get("default_memory_limit"),
            workspace_size_limit=_get("workspace_size_limit"),
            http_proxy=_get("http_proxy"),
            https_proxy=_get("https_proxy"),
            no_proxy=_get("no_proxy"),
            max_unpacked_bytes=int(_get("max_unpacked_bytes")),
        )


def default_init_image() -> str:
    """The official image of the running Airflow: it has python3, all the init container needs."""
    import sys

    from airflow import __version__ as airflow_version

    return f"apache/airflow:slim-{airflow_version}-python{sys.version_info.major}.{sys.version_info.minor}"


def nexus_conn_id() -> str:
    return _get("nexus_conn_id")


def local_artifacts_root() -> Path:
    configured = _get("local_artifacts_root")
    if configured:
        return Path(configured).expanduser()
    from airflow.configuration import AIRFLOW_HOME

    return Path(AIRFLOW_HOME) / "job-artifacts"


def specs_folder() -> Path:
    from airflow.configuration import AIRFLOW_HOME

    return Path(_get("specs_folder") or Path(AIRFLOW_HOME) / "job-specs").expanduser()


def generator_bundle() -> str:
    return _get("generator_bundle")


def generator_file() -> str:
    return _get("generator_file")


def allowed_executors() -> tuple[str, ...]:
    return _csv(_get("allowed_executors"))


def allowed_loader_env() -> tuple[str, ...]:
    """Names or fnmatch patterns of loader variables users may set after all (``operators.job_environment``)."""
    return _csv(_get("allowed_loader_env"))


def runner_images() -> str:
    """The raw catalog text; ``deployments.catalogs`` parses it."""
    return _get("runner_images")


def smb_endpoints() -> str:
    """The raw JSON text; ``deployments.catalogs`` parses it."""
    return _get("smb_endpoints")


def navigation_links() -> str:
    """The raw JSON text; ``plugin.navigation_links`` parses it."""
    return _get("navigation_links")


def max_cpu_limit() -> str:
    return _get("max_cpu_limit")


def max_memory_limit() -> str:
    return _get("max_memory_limit")
