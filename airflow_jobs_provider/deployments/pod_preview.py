"""The pod a Kubernetes task would create, built by the operator itself without a cluster.

The operator does what it does when the task runs (``prepare_pod``, then
``build_pod_request_obj(dry_run=True)``) for a stand-in run called ``preview``, and the pod is
serialised as the ``kubernetes`` client sends it. The artifact is resolved if its source
answers; if not, the version and the fetch plan are placeholders and an annotation says why.
The pod name's random suffix differs at every call, as it does at every run.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from kubernetes.client import ApiClient

from airflow_jobs_provider.artifacts.reference import ResolvedArtifact
from airflow_jobs_provider.artifacts.registry import get_artifact_source
from airflow_jobs_provider.operators.artifact_run import fetch_plan
from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from airflow_jobs_provider.runner.plan import FetchPlan

PREVIEW_RUN_ID = "preview"
UNRESOLVED_VERSION = "unresolved"
UNRESOLVED_ANNOTATION = "job-orchestrator/preview-unresolved"
# Enough to say why, short enough for an annotation shown in a page.
_MAX_REASON_CHARS = 500


def operator_pod(operator: NexusKubernetesOperator, dag_id: str) -> dict[str, Any]:
    """The pod ``operator`` would create for a run of ``dag_id`` now, as JSON-ready data."""
    context = _preview_context(dag_id, operator.task_id)
    resolved, plan, problem = _resolve(operator)
    operator.prepare_pod(resolved, plan, context)
    pod = operator.build_pod_request_obj(context, dry_run=True)
    if problem:
        pod.metadata.annotations = {**(pod.metadata.annotations or {}), UNRESOLVED_ANNOTATION: problem}
    data: dict[str, Any] = ApiClient().sanitize_for_serialization(pod)
    return data


def _resolve(operator: NexusKubernetesOperator) -> tuple[ResolvedArtifact, FetchPlan, str | None]:
    """The artifact as the run would resolve it, or placeholders and the reason."""
    try:
        source = get_artifact_source(operator.artifact.source, nexus_conn_id=operator.nexus_conn_id)
        resolved = source.resolve(operator.artifact)
        return resolved, fetch_plan(resolved, source), None
    except Exception as exc:  # whatever the source says, the rest of the pod is still worth showing
        reason = f"artifact not resolved ({type(exc).__name__}: {exc})"[:_MAX_REASON_CHARS]
        return ResolvedArtifact(ref=operator.artifact, version=UNRESOLVED_VERSION), FetchPlan(), reason


def _preview_context(dag_id: str, task_id: str) -> Any:
    """What the operator reads from a run's context (Airflow's ``Context``), for a run that does not exist."""
    ti = SimpleNamespace(dag_id=dag_id, task_id=task_id, run_id=PREVIEW_RUN_ID, try_number=1, map_index=-1)
    return {"ti": ti, "run_id": PREVIEW_RUN_ID, "dag": SimpleNamespace(dag_id=dag_id), "logical_date": None}
