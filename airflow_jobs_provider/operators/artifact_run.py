"""What both operators do before running anything: resolve the artifact and say what it is.

``latest`` is resolved here, when the task runs; the resolved version goes to the task log
and to XCom so a run always tells which build it executed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, Protocol

from airflow.sdk.exceptions import AirflowTaskTimeout

from airflow_jobs_provider.artifacts.checksum import strongest_checksum
from airflow_jobs_provider.artifacts.reference import ArtifactRef, AssetInfo, ResolvedArtifact
from airflow_jobs_provider.artifacts.registry import get_artifact_source
from airflow_jobs_provider.artifacts.source import ArtifactSource
from airflow_jobs_provider.runner.plan import AssetToFetch, FetchPlan
from airflow_jobs_provider.settings import allow_unverified_assets

XCOM_VERSION_KEY = "artifact_version"
XCOM_ASSETS_KEY = "artifact_assets"
XCOM_FAILURE_KEY = "failure_reason"


class TaskLog(Protocol):
    """The part of an operator's logger used here (Airflow's is not a ``logging.Logger``)."""

    def info(self, event: Any, *args: Any, **kwargs: Any) -> Any: ...


def as_artifact_ref(artifact: ArtifactRef | Mapping[str, Any]) -> ArtifactRef:
    """Accept a mapping too, so hand-written DAGs can pass plain dicts."""
    if isinstance(artifact, ArtifactRef):
        return artifact
    values = dict(artifact)
    if "assets" in values:
        values["assets"] = tuple(values["assets"])
    try:
        return ArtifactRef(**values)
    except TypeError as exc:
        raise ValueError(f"artifact reference is not valid: {exc}") from exc


def as_job_args(job_args: Sequence[str]) -> list[str]:
    if isinstance(job_args, str):
        raise TypeError("job_args must be a list of arguments, not one string: no shell splits it")
    args = list(job_args)
    for position, value in enumerate(args):
        if not isinstance(value, str):
            raise TypeError(f"job_args[{position}] must be a string, not {type(value).__name__}")
        if "\x00" in value:
            raise ValueError(f"job_args[{position}] contains a NUL character")
    return args


def resolve_for_run(
    ref: ArtifactRef, *, nexus_conn_id: str | None, context: Mapping[str, Any], log: TaskLog
) -> tuple[ArtifactSource, ResolvedArtifact]:
    source = get_artifact_source(ref.source, nexus_conn_id=nexus_conn_id)
    resolved = source.resolve(ref)
    files = ", ".join(asset.path for asset in resolved.assets)
    if ref.version != resolved.version:
        log.info("Artifact %s resolved to version %s: %s", ref.coordinates, resolved.version, files)
    else:
        log.info("Artifact %s: %s", ref.coordinates, files)
    ti = context["ti"]
    ti.xcom_push(key=XCOM_VERSION_KEY, value=resolved.version)
    ti.xcom_push(key=XCOM_ASSETS_KEY, value=[asset.path for asset in resolved.assets])
    return source, resolved


def fetch_plan(resolved: ResolvedArtifact, source: ArtifactSource) -> FetchPlan:
    """The runner's instructions: where each asset is, which checksum it must have, whether an
    asset without one may run, and the one server the repository's credentials may be sent to."""
    access = source.download_access()
    return FetchPlan(
        assets=[asset_to_fetch(asset) for asset in resolved.assets],
        verify_tls=access.verify_tls,
        ca_bundle=access.ca_bundle,
        timeout_seconds=access.timeout_seconds,
        credential_origin=access.credential_origin,
        allow_unverified=allow_unverified_assets(),
    )


def asset_to_fetch(asset: AssetInfo) -> AssetToFetch:
    """The asset with the one checksum the worker's policy picks (``strongest_checksum``), so
    the runner verifies what the worker would; none when the source lists none."""
    checksum = strongest_checksum(asset)
    digests = {checksum[0]: checksum[1]} if checksum else {}
    return AssetToFetch(url=asset.download_url, file_name=asset.file_name, **digests)


@contextmanager
def timeout_reason(context: Mapping[str, Any], execution_timeout: timedelta | None) -> Iterator[None]:
    """Airflow's ``execution_timeout`` interrupts ``execute`` with an exception that says only
    "Timeout": give that failure a reason in XCom, like every other failure of a run."""
    try:
        yield
    except AirflowTaskTimeout:
        reason = f"the run took longer than its execution timeout ({execution_timeout}) and was stopped"
        context["ti"].xcom_push(key=XCOM_FAILURE_KEY, value=reason)
        raise
