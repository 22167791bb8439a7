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


@dataclass(frozen=True)
class PodSecuritySettings:
    """Who a job pod runs as, what the admin relaxes per runner image, which CA it trusts.

    Read when a task builds its pod, not with ``PodDefaults`` when a DAG file is parsed: each
    option read costs tens of microseconds, for every task at every parse.
    """

    run_as_user: int | None = None
    run_as_group: int | None = None
    fs_group: int | None = None
    relaxations: str = ""
    ca_bundle_configmap: str = ""
    ca_bundle_secret: str = ""
    ca_bundle_key: str = "ca.crt"

    @classmethod
    def from_config(cls) -> PodSecuritySettings:
        return cls(
            run_as_user=_id("run_as_user"),
            run_as_group=_id("run_as_group"),
            fs_group=_id("fs_group"),
            relaxations=_get("pod_security_relaxations"),
            ca_bundle_configmap=_get("pod_ca_bundle_configmap"),
            ca_bundle_secret=_get("pod_ca_bundle_secret"),
            ca_bundle_key=_get("pod_ca_bundle_key"),
        )


def _id(option: str) -> int | None:
    """A user or group id option: empty for none, else a number of at least 0."""
    text = _get(option)
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(f"[{SECTION}] {option} = {text!r} must be a user or group id (a number), or empty")
    return int(text)


def default_init_image() -> str:
    """The official image of the running Airflow: it has python3, all the init container needs."""
    import sys

    from airflow import __version__ as airflow_version

    return f"apache/airflow:slim-{airflow_version}-python{sys.version_info.major}.{sys.version_info.minor}"


def max_unpacked_bytes() -> int:
    """The zip-bomb limit, for local runs (pods read it through ``PodDefaults``)."""
    return int(_get("max_unpacked_bytes"))


def nexus_conn_id() -> str:
    return _get("nexus_conn_id")


def nexus_max_pages() -> int:
    return int(_get("nexus_max_pages"))


def allow_unverified_assets() -> bool:
    return _get("allow_unverified_assets").lower() in ("true", "1", "yes", "on")


def nexus_runner_images_repository() -> str:
    return _get("nexus_runner_images_repository")


def nexus_runner_images_registry() -> str:
    return _get("nexus_runner_images_registry")


def nexus_runner_images_cache_seconds() -> int:
    return int(_get("nexus_runner_images_cache_seconds"))


def release_check_minutes() -> int:
    return int(_get("release_check_minutes"))


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


def webhook_connections() -> tuple[str, ...]:
    """Connection ids or fnmatch patterns a failure webhook may name."""
    return _csv(_get("webhook_connections"))


def max_request_bytes() -> int:
    return int(_get("max_request_bytes"))
