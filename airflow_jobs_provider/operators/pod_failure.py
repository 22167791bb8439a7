"""Say in words why a job pod failed, from what Kubernetes reports about it.

KubernetesPodOperator reports "Pod ... returned a failure" for every cause; users need to
know whether to raise a memory limit, fix an image name or fix their job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from kubernetes.client import models as k8s

IMAGE_PULL_REASONS = frozenset({"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"})
CONFIG_REASONS = frozenset({"CreateContainerConfigError", "CreateContainerError", "RunContainerError"})


def _status_list(statuses: Iterable[Any] | None) -> list[Any]:
    return [status for status in (statuses or []) if status is not None]


def _with_message(text: str, message: str | None) -> str:
    message = (message or "").strip()
    return f"{text}: {message}" if message else text


def _container_problem(status: Any, role: str) -> str | None:
    state = status.state
    if state is None:
        return None
    if state.waiting is not None and state.waiting.reason in IMAGE_PULL_REASONS:
        return _with_message(
            f"image pull error for the {role} image {status.image!r} ({state.waiting.reason})",
            state.waiting.message,
        )
    if state.waiting is not None and state.waiting.reason in CONFIG_REASONS:
        return _with_message(
            f"the {role} container could not start ({state.waiting.reason})", state.waiting.message
        )
    terminated = state.terminated
    if terminated is None or terminated.exit_code == 0:
        return None
    if terminated.reason == "OOMKilled":
        return f"OOMKilled: the {role} container used more memory than its limit and was killed"
    return _with_message(f"the {role} container exited with code {terminated.exit_code}", terminated.message)


def _unschedulable(pod: k8s.V1Pod) -> str | None:
    for condition in _status_list(pod.status.conditions):
        if condition.type == "PodScheduled" and condition.status == "False" and condition.reason:
            return _with_message(f"the pod could not be scheduled ({condition.reason})", condition.message)
    return None


def describe_pod_failure(pod: k8s.V1Pod | None, *, init_role: str = "artifact download") -> str | None:
    """One sentence on why ``pod`` failed or cannot start, or ``None`` when nothing failed.

    Pod-level causes (eviction, deadline) come first because they explain the container
    states that follow from them; init containers come before the job's own container.
    """
    if pod is None or pod.status is None:
        return None
    status = pod.status
    if status.reason == "Evicted":
        return _with_message("evicted", status.message)
    if status.reason == "DeadlineExceeded":
        return _with_message("deadline exceeded: the pod ran longer than its active deadline", status.message)
    for init_status in _status_list(status.init_container_statuses):
        problem = _container_problem(init_status, init_role)
        if problem:
            return problem
    for container_status in _status_list(status.container_statuses):
        problem = _container_problem(container_status, "job")
        if problem:
            return problem
    if status.phase == "Failed":
        return _with_message(f"the pod failed ({status.reason or 'no reason given'})", status.message)
    return _unschedulable(pod)


def refusal_message(exc: Any) -> str:
    """What the API server said when it refused to create a pod (an ``ApiException``), without the
    ``pods "x" is forbidden: `` its ``Status`` message starts with."""
    try:
        message = str(json.loads(exc.body)["message"])
    except (TypeError, ValueError, KeyError):
        return f"HTTP {exc.status} {exc.reason}"
    _, forbidden, detail = message.partition(" is forbidden: ")
    return detail if forbidden else message
