"""A pod that never started still fails its task with a reason, whichever way the failure arrives.

KubernetesPodOperator's ``cleanup`` normally turns a launch failure into our reason (the
end-to-end tests cover that). When it found no pod to clean (the listing right after creation
missed it), ``PodLaunchFailedException`` or ``PodLaunchTimeoutException`` reaches ``execute``
itself; the pod is still there to read. The parent's ``execute`` is replaced here by one that
raises, so this is exactly that path.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pendulum
import pytest
from airflow.exceptions import AirflowException
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.providers.cncf.kubernetes.utils.pod_manager import (
    PodLaunchFailedException,
    PodLaunchTimeoutException,
)
from kubernetes.client import models as k8s

from airflow_jobs_provider.artifacts.reference import ArtifactRef, AssetInfo, ResolvedArtifact
from airflow_jobs_provider.operators import kubernetes as kubernetes_operator
from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from airflow_jobs_provider.runner.plan import AssetToFetch, FetchPlan

REF = ArtifactRef(repository="jobs", group="org.example.jobs", name="argv-job", version="1.2.0")
ASSET = AssetInfo(
    path="argv-job-1.2.0.py", download_url="http://nexus.invalid/argv-job-1.2.0.py", sha256="a" * 64
)
UNSCHEDULABLE = k8s.V1Pod(
    metadata=k8s.V1ObjectMeta(name="argv-job-abc", namespace="default"),
    status=k8s.V1PodStatus(
        phase="Pending",
        conditions=[
            k8s.V1PodCondition(
                type="PodScheduled", status="False", reason="Unschedulable", message="0/1 nodes are available"
            )
        ],
    ),
)


class _Ti(SimpleNamespace):
    def xcom_push(self, key: str, value: Any) -> None:
        self.xcoms[key] = value


class _PodManager:
    def read_pod(self, pod: k8s.V1Pod) -> k8s.V1Pod:
        return UNSCHEDULABLE


@pytest.fixture
def started(monkeypatch):
    """Run ``execute`` up to the parent's, which raises the given launch exception."""

    def run(error: Exception) -> tuple[pytest.ExceptionInfo, dict]:
        resolved = ResolvedArtifact(ref=REF, version="1.2.0", assets=(ASSET,))
        plan = FetchPlan(
            assets=[AssetToFetch(url=ASSET.download_url, file_name=ASSET.file_name, sha256="a" * 64)]
        )
        monkeypatch.setattr(kubernetes_operator, "resolve_for_run", lambda *args, **kwargs: (None, resolved))
        monkeypatch.setattr(kubernetes_operator, "fetch_plan", lambda *args: plan)

        operator = NexusKubernetesOperator(task_id="run", artifact=REF)
        operator.__dict__["pod_manager"] = _PodManager()  # a cached property of the parent

        def parent_execute(self: KubernetesPodOperator, context: Any) -> None:
            self.pod = k8s.V1Pod(metadata=k8s.V1ObjectMeta(name="argv-job-abc", namespace="default"))
            raise error

        monkeypatch.setattr(KubernetesPodOperator, "execute", parent_execute)
        ti = _Ti(dag_id="d", task_id="run", run_id="manual__1", try_number=1, map_index=-1, xcoms={})
        context = {"ti": ti, "logical_date": pendulum.datetime(2024, 1, 1, tz="UTC")}
        with pytest.raises(AirflowException) as raised:
            operator.execute(context)
        return raised, ti.xcoms

    return run


@pytest.mark.parametrize(
    "error",
    [
        PodLaunchTimeoutException(
            "Pod took too long to be scheduled on the cluster, giving up. More than 1s."
        ),
        PodLaunchFailedException("Pod failed before containers started"),
    ],
    ids=["timeout", "failed"],
)
def test_launch_failure_reaching_execute_is_explained_by_the_pod(started, error):
    raised, xcoms = started(error)
    reason = "the pod could not be scheduled (Unschedulable): 0/1 nodes are available"
    assert str(raised.value) == f"Job argv-job (pod argv-job-abc) failed: {reason}"
    assert raised.value.__cause__ is error
    assert xcoms["failure_reason"] == reason
