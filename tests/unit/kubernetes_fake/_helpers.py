"""Small builders shared by the fake Kubernetes tests."""

from __future__ import annotations

import json
from typing import Any

from kubernetes.client.rest import ApiException


def pod_body(
    name: str,
    *,
    containers: list[dict[str, Any]] | None = None,
    init_containers: list[dict[str, Any]] | None = None,
    labels: dict[str, str] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {}},
        "spec": {
            "restartPolicy": "Never",
            "containers": containers or [{"name": "base", "image": "busybox:1.36"}],
            **spec,
        },
    }
    if init_containers:
        body["spec"]["initContainers"] = init_containers
    return body


def status_of(exc: ApiException) -> dict[str, Any]:
    """The ``Status`` object the server sent with an error."""
    return json.loads(exc.body)


def container_status(pod: dict[str, Any], name: str) -> dict[str, Any]:
    status = pod.get("status") or {}
    for entry in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
        if entry["name"] == name:
            return entry
    raise KeyError(name)


def condition(pod: dict[str, Any], type_: str) -> dict[str, Any]:
    return next(c for c in pod["status"]["conditions"] if c["type"] == type_)
