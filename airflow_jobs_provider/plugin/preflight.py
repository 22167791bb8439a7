"""Before deploying: will this spec run? Checks that need the outside world, each with its verdict.

The spec's own rules are checked by validation; here: the runner image reference, the
artifact (resolved now, with a checksum for every file), the names Kubernetes derives from the
deployment's, the failure webhook's connection, and, for the kubernetes executor, whether the
Secrets and PVCs the pod refers to exist in the cluster. A cluster the API server cannot reach
is reported as such, never as fine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from airflow_jobs_provider import settings
from airflow_jobs_provider.artifacts.checksum import STRONG_CHECKSUMS, strongest_checksum
from airflow_jobs_provider.artifacts.errors import ArtifactError
from airflow_jobs_provider.artifacts.registry import get_artifact_source
from airflow_jobs_provider.deployments.catalogs import smb_catalog
from airflow_jobs_provider.deployments.image_reference import check_image_reference
from airflow_jobs_provider.deployments.mounts import PvcMountSpec, SmbMountSpec
from airflow_jobs_provider.deployments.spec import DeploymentSpec
from airflow_jobs_provider.hooks.webhook import WebhookHook

Verdict = Literal["ok", "failed", "skipped"]
POD_NAME_LIMIT = 63
POD_NAME_SUFFIX = 9  # KubernetesPodOperator appends "-" and 8 random characters
DAG_ID_LIMIT = 250
CLUSTER_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Check:
    name: str
    verdict: Verdict
    message: str


def preflight(spec: DeploymentSpec, *, may_use_connection: Callable[[str], bool]) -> list[Check]:
    """Every check, in a stable order; none raises.

    :param may_use_connection: whether the caller may read a connection; the webhook's is looked
        at only if so, so preflight tells nobody else whether it exists or where it points.
    """
    checks = [_names(spec), _runner_image(spec), _artifact(spec)]
    if spec.notify.webhook_conn_id:
        checks.append(_webhook(spec.notify.webhook_conn_id, may_use_connection))
    if spec.executor == "kubernetes":
        checks.append(_pod_security(spec))
        checks += _cluster_objects(spec)
    else:
        checks.append(Check("cluster", "skipped", "the local executor runs the job on the Airflow worker"))
    return checks


def _names(spec: DeploymentSpec) -> Check:
    pod_name = len(spec.name) + POD_NAME_SUFFIX
    if pod_name > POD_NAME_LIMIT or len(spec.dag_id) > DAG_ID_LIMIT:
        return Check("name", "failed", f"{spec.name!r} is too long for pod names ({pod_name} > 63)")
    return Check(
        "name",
        "ok",
        f"DAG {spec.dag_id}; pods are named {spec.name}-<8 characters> "
        f"({pod_name} of {POD_NAME_LIMIT} characters)",
    )


def _runner_image(spec: DeploymentSpec) -> Check:
    if spec.runner_image is None:
        return Check("runner_image", "skipped", "the local executor runs no image")
    try:
        check_image_reference(spec.runner_image)
    except ValueError as exc:
        return Check("runner_image", "failed", str(exc))
    return Check("runner_image", "ok", f"{spec.runner_image} is a well-formed reference from the catalog")


def _artifact(spec: DeploymentSpec) -> Check:
    ref = spec.artifact.to_ref()
    try:
        resolved = get_artifact_source(ref.source).resolve(ref)
    except Exception as exc:  # e.g. the connection is not defined: a verdict, not a failed request
        reason = str(exc) if isinstance(exc, (ArtifactError, ValueError)) else _reason(exc)
        return Check("artifact", "failed", f"{ref.coordinates}: {reason}")
    checksums = {asset.path: strongest_checksum(asset) for asset in resolved.assets}
    unverifiable = [path for path, checksum in checksums.items() if checksum is None]
    if unverifiable and not settings.allow_unverified_assets():
        return Check("artifact", "failed", f"{ref.coordinates}: no checksum for {', '.join(unverifiable)}")
    files = ", ".join(
        path
        if checksum is None or checksum[0] in STRONG_CHECKSUMS
        else f"{path} (only {checksum[0]}, a weak checksum)"
        for path, checksum in checksums.items()
    )
    unverified = f"; not verified (allowed): {', '.join(unverifiable)}" if unverifiable else ""
    return Check(
        "artifact", "ok", f"{ref.coordinates} resolves to version {resolved.version}: {files}{unverified}"
    )


def _webhook(conn_id: str, may_use_connection: Callable[[str], bool]) -> Check:
    """The connection exists and points to an http(s) URL; only its origin is shown (the rest of
    the URL may be the token). Nothing is posted: that would notify people."""
    if not may_use_connection(conn_id):
        return Check("webhook", "failed", f"your Airflow user is not allowed to use connection {conn_id!r}")
    try:
        target = WebhookHook(conn_id).target
    except Exception as exc:  # e.g. the connection is not defined
        reason = str(exc) if isinstance(exc, ValueError) else f"connection {conn_id!r}: {_reason(exc)}"
        return Check("webhook", "failed", reason)
    return Check("webhook", "ok", f"connection {conn_id!r} posts failures to {target.origin}")


def _pod_security(spec: DeploymentSpec) -> Check:
    """The Pod Security Standards profile of the pod a run would create, and why not a stricter
    one: a namespace that enforces a stricter profile refuses the pod."""
    from airflow_jobs_provider.deployments.dag_builder import preview_pod
    from airflow_jobs_provider.operators.pod_security import forbidden_detail, profile_met

    try:
        result = profile_met(preview_pod(spec))
    except Exception as exc:  # e.g. a CA bundle the pod cannot get: the pod would not be created
        reason = str(exc) if isinstance(exc, ValueError) else _reason(exc)
        return Check("pod_security", "failed", f"the pod cannot be built: {reason}")
    if result.profile == "restricted":
        return Check("pod_security", "ok", "the pod meets the Pod Security Standards' restricted profile")
    refused_by = "baseline or restricted" if result.profile == "privileged" else "restricted"
    return Check(
        "pod_security",
        "failed" if result.profile == "privileged" else "ok",
        f"the pod meets only the {result.profile} profile of the Pod Security Standards, so a namespace "
        f"that enforces {refused_by} refuses it: {forbidden_detail(result.reasons)}",
    )


def _cluster_objects(spec: DeploymentSpec) -> list[Check]:
    """Existence of each Secret and PVC the pod refers to, or why that cannot be known."""
    defaults = settings.PodDefaults.from_config()
    endpoints = smb_catalog()
    secrets = set(defaults.image_pull_secrets)
    if spec.artifact.source == "nexus" and defaults.nexus_credentials_secret:
        secrets.add(defaults.nexus_credentials_secret)
    secrets |= {endpoints[m.endpoint].credentials_secret for m in spec.mounts if isinstance(m, SmbMountSpec)}
    claims = {m.claim_name for m in spec.mounts if isinstance(m, PvcMountSpec)}
    try:
        from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook
        from kubernetes.client import VersionApi

        hook = KubernetesHook(conn_id=defaults.kubernetes_conn_id)
        namespace = defaults.namespace or hook.get_namespace() or "default"
        VersionApi(hook.api_client).get_code(_request_timeout=CLUSTER_TIMEOUT_SECONDS)
        core = hook.core_v1_client
    except Exception as exc:
        return [
            Check(
                "cluster",
                "skipped",
                f"the cluster is not reachable through connection {defaults.kubernetes_conn_id!r} "
                f"({_reason(exc)}): Secrets and PVCs were not checked",
            )
        ]
    checks = [Check("cluster", "ok", f"reachable; pods run in namespace {namespace!r}")]
    checks += [_exists("secret", name, namespace, core.read_namespaced_secret) for name in sorted(secrets)]
    checks += [
        _exists("pvc", name, namespace, core.read_namespaced_persistent_volume_claim)
        for name in sorted(claims)
    ]
    return checks


def _exists(kind: str, name: str, namespace: str, read: Callable[..., object]) -> Check:
    from kubernetes.client.exceptions import ApiException

    label = f"{kind} {name}"
    try:
        # Only the status is wanted: a Secret's data is never parsed into objects, let alone shown.
        response = read(name, namespace, _preload_content=False, _request_timeout=CLUSTER_TIMEOUT_SECONDS)
    except ApiException as exc:
        if exc.status == 404:
            return Check(label, "failed", f"does not exist in namespace {namespace!r}")
        if exc.status == 403:
            return Check(label, "skipped", "the connection's account may not read it")
        return Check(label, "failed", f"cannot be read: HTTP {exc.status} {exc.reason}")
    except Exception as exc:
        return Check(label, "skipped", f"cannot be checked: {_reason(exc)}")
    release = getattr(response, "release_conn", None)
    if release is not None:
        release()
    return Check(label, "ok", "exists")


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300]}" if text else type(exc).__name__
