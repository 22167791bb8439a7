"""Pod Security Admission as the API server runs it: a namespace's ``enforce`` label refuses pods.

A namespace labelled ``pod-security.kubernetes.io/enforce: baseline|restricted`` (and optionally
``pod-security.kubernetes.io/enforce-version``, default ``latest``) has every pod created in it
checked against that profile; a pod that breaks a rule is refused with 403 Forbidden:
``pods "x" is forbidden: violates PodSecurity "restricted:latest": <reason (detail), ...>``.
An unknown level fails closed, as PSA does, with ``restricted``. Not emulated: the ``audit``
and ``warn`` modes, exemptions, and the checks of pod updates.

The rules themselves are the provider's ``operators.pod_security`` (PSA's checks and words,
tested there against PSA's own messages), so the fake and preflight cannot drift apart.
"""

from __future__ import annotations

from airflow_jobs_provider.operators.pod_security import Level, forbidden_detail, violations

from ._util import ApiError, JsonDict, forbidden

ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version"
_LEVELS: dict[str, Level | None] = {"privileged": None, "baseline": "baseline", "restricted": "restricted"}


def admission_error(namespace: JsonDict | None, pod: JsonDict) -> ApiError | None:
    """The 403 PSA answers for ``pod`` in ``namespace``, or None when the namespace admits it."""
    labels = ((namespace or {}).get("metadata") or {}).get("labels") or {}
    label = labels.get(ENFORCE_LABEL)
    if label is None:
        return None
    level = _LEVELS.get(label, "restricted")
    if level is None:
        return None
    found = violations(pod, level)
    if not found:
        return None
    version = labels.get(ENFORCE_VERSION_LABEL) or "latest"
    name = pod["metadata"].get("name") or ""
    return forbidden("pods", name, f'violates PodSecurity "{level}:{version}": {forbidden_detail(found)}')
