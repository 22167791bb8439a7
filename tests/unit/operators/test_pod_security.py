"""Job pods meet the Pod Security Standards' `restricted` profile unless the admin relaxes it.

The checker's expected words are Pod Security Admission's own (its checks in
k8s.io/pod-security-admission/policy and the 403 that kubectl shows), so a pod the checker
calls restricted is one a namespace enforcing `restricted` admits.
"""

from __future__ import annotations

import json

import pytest
from kubernetes.client import models as k8s

from airflow_jobs_provider.operators.pod_builder import PodOptionsError, security_relaxations
from airflow_jobs_provider.operators.pod_security import forbidden_detail, profile_met, violations
from tests.unit.operators.test_pod_schema import CASES, build_pod, pod_config  # noqa: F401 - autouse fixture

TALEND_IMAGE = "registry.example.org/talend-runner:17.0.1"


def bare_pod(**spec: object) -> dict:
    """A pod as people write it without thinking of security: one container, nothing else."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "app"},
        "spec": {"containers": [{"name": "app", "image": "nginx"}], **spec},
    }


def relax(monkeypatch: pytest.MonkeyPatch, relaxations: dict[str, list[str]]) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__POD_SECURITY_RELAXATIONS", json.dumps(relaxations))


# -- the checker speaks PSA's words ----------------------------------------------------------------


def test_a_bare_pod_is_baseline_with_the_reasons_kubectl_shows() -> None:
    result = profile_met(bare_pod())
    assert result.profile == "baseline"
    assert forbidden_detail(result.reasons) == (
        'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), '
        'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), '
        'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), '
        'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" '
        'or "Localhost")'
    )


def test_host_access_makes_a_pod_privileged_with_the_baseline_reasons() -> None:
    pod = bare_pod(
        hostNetwork=True,
        hostPID=True,
        volumes=[{"name": "host", "hostPath": {"path": "/var/run"}}],
    )
    pod["spec"]["containers"][0]["securityContext"] = {
        "privileged": True,
        "capabilities": {"add": ["NET_ADMIN", "CHOWN"]},
    }
    result = profile_met(pod)
    assert result.profile == "privileged"
    assert [str(violation) for violation in result.reasons] == [
        "host namespaces (hostNetwork, hostPID)",
        'privileged (container "app" must not set securityContext.privileged=true)',
        'non-default capabilities (container "app" must not include "NET_ADMIN" in securityContext.capabilities.add)',
        'hostPath volumes (volume "host")',
    ]


def test_restricted_replaces_the_baseline_volume_and_capability_rules_with_its_own() -> None:
    pod = bare_pod(
        volumes=[{"name": "host", "hostPath": {"path": "/"}}, {"name": "share", "nfs": {"server": "x"}}]
    )
    reasons = {violation.reason: violation.detail for violation in violations(pod, "restricted")}
    assert reasons["restricted volume types"] == (
        'volumes "host", "share" use restricted volume types "hostPath", "nfs"'
    )
    assert "hostPath volumes" not in reasons


@pytest.mark.parametrize(
    ("volume", "restricted"),
    [
        ({"csi": {"driver": "smb.csi.k8s.io"}}, True),
        ({"persistentVolumeClaim": {"claimName": "data"}}, True),
        ({"ephemeral": {"volumeClaimTemplate": {"spec": {}}}}, True),
        ({"projected": {"sources": []}}, True),
        ({"nfs": {"server": "nfs.example.org", "path": "/x"}}, False),
        ({"cephfs": {"monitors": ["m"]}}, False),
        ({"gitRepo": {"repository": "https://example.org/x.git"}}, False),
    ],
)
def test_volume_types_of_the_restricted_profile(volume: dict, restricted: bool) -> None:
    pod = build_pod(CASES["minimal"])
    pod["spec"]["volumes"].append({"name": "extra", **volume})
    assert (profile_met(pod).profile == "restricted") is restricted


def test_baseline_rejects_unsafe_seccomp_selinux_sysctls_and_proc_mount() -> None:
    pod = bare_pod(
        securityContext={
            "seccompProfile": {"type": "Unconfined"},
            "seLinuxOptions": {"type": "spc_t"},
            "sysctls": [
                {"name": "kernel.msgmax", "value": "1"},
                {"name": "net.ipv4.tcp_syncookies", "value": "1"},
            ],
        }
    )
    pod["spec"]["containers"][0]["securityContext"] = {"procMount": "Unmasked"}
    assert [str(violation) for violation in violations(pod, "baseline")] == [
        'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
        'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t")',
        "forbidden sysctls (kernel.msgmax)",
        'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    ]


def test_a_pod_in_its_own_user_namespace_may_run_as_root() -> None:
    pod = build_pod(CASES["minimal"])
    pod["spec"]["securityContext"].update(runAsUser=0, runAsNonRoot=False)
    pod["spec"]["hostUsers"] = False
    assert profile_met(pod).profile == "restricted"


# -- the pods the operator builds ------------------------------------------------------------------


def test_default_pods_meet_restricted() -> None:
    for case in ("minimal", "local_source"):
        result = profile_met(build_pod(CASES[case]))
        assert (result.profile, result.reasons) == ("restricted", ())


def test_a_job_pod_gets_no_kubernetes_api_token() -> None:
    """A job has no business with the cluster's API, whatever account the namespace gives it."""
    assert build_pod(CASES["minimal"])["spec"]["automountServiceAccountToken"] is False
    assert build_pod({**CASES["minimal"], "automount_service_account_token": True})["spec"][
        "automountServiceAccountToken"
    ]


def test_default_pod_runs_as_the_configured_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__RUN_AS_USER", "5000")
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__FS_GROUP", "")
    pod = build_pod(CASES["minimal"])
    assert pod["spec"]["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 5000,
        "runAsGroup": 1000,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    for container in (*pod["spec"]["initContainers"], *pod["spec"]["containers"]):
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
        }


def test_a_bad_id_option_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__RUN_AS_GROUP", "staff")
    with pytest.raises(
        ValueError, match=r"\[job_orchestrator\] run_as_group = 'staff' must be a user or group id"
    ):
        build_pod(CASES["minimal"])


def test_smb_and_pvc_mounts_stay_restricted_an_nfs_mount_does_not() -> None:
    everything = build_pod(CASES["everything"])
    result = profile_met(everything)
    assert result.profile == "baseline"
    assert [str(violation) for violation in result.reasons] == [
        'restricted volume types (volume "job-mount-3" uses restricted volume type "nfs")'
    ]
    everything["spec"]["volumes"] = [v for v in everything["spec"]["volumes"] if "nfs" not in v]
    assert profile_met(everything).profile == "restricted"


def test_run_as_root_relaxes_only_the_job_container_of_matching_images(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    relax(
        monkeypatch,
        {"registry.example.org/talend-runner:*": ["run_as_root"], "other/*": ["default_capabilities"]},
    )
    pod = build_pod({"runner_image": TALEND_IMAGE})
    (init,) = pod["spec"]["initContainers"]
    (main,) = pod["spec"]["containers"]
    assert main["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "runAsNonRoot": False,
        "runAsUser": 0,
        "runAsGroup": 0,
    }
    assert "runAsUser" not in init["securityContext"]
    result = profile_met(pod)
    assert result.profile == "baseline"
    assert [str(violation) for violation in result.reasons] == [
        'runAsNonRoot != true (container "base" must not set securityContext.runAsNonRoot=false)',
        'runAsUser=0 (container "base" must not set runAsUser=0)',
    ]
    assert profile_met(build_pod(CASES["minimal"])).profile == "restricted"  # python:3.12-slim matches none


def test_capability_and_escalation_relaxations(monkeypatch: pytest.MonkeyPatch) -> None:
    relax(monkeypatch, {"*talend-runner*": ["default_capabilities", "allow_privilege_escalation"]})
    pod = build_pod({"runner_image": TALEND_IMAGE})
    assert pod["spec"]["containers"][0]["securityContext"] == {"allowPrivilegeEscalation": True}
    assert [violation.reason for violation in profile_met(pod).reasons] == [
        "allowPrivilegeEscalation != false",
        "unrestricted capabilities",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "pod_security_relaxations is not valid: Invalid JSON: key must be a string"),
        ('["run_as_root"]', "pod_security_relaxations is not valid: Input should be an object"),
        (
            '{"x/*": "run_as_root"}',
            "pod_security_relaxations is not valid: x/\\*: Input should be a valid array",
        ),
        (
            '{"x/*": ["privileged"]}',
            "x/\\*\\[0\\]: Input should be 'run_as_root', 'allow_privilege_escalation' or 'default_capabilities'",
        ),
    ],
)
def test_a_bad_relaxations_option_is_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(PodOptionsError, match=message):
        security_relaxations(text, "x/y:1")


# -- the init container: our environment, isolated Python ------------------------------------------


def test_the_init_container_gets_none_of_the_job_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # an admin allowed them for the job: they still must not reach the runner that fetches
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__ALLOWED_LOADER_ENV", "PYTHONPATH, PYTHONSTARTUP")
    hostile = {"PYTHONPATH": "/tmp/evil", "PYTHONSTARTUP": "/tmp/evil.py", "REGION": "north"}
    pod = build_pod({"job_env": hostile, "use_proxy": True})
    (init,) = pod["spec"]["initContainers"]
    (main,) = pod["spec"]["containers"]
    names = {item["name"] for item in init["env"]}
    assert names == {
        "JOB_RUNNER_WORKSPACE",
        "JOB_RUNNER_BUNDLE",
        "JOB_RUNNER_TERMINATION_LOG",
        "JOB_RUNNER_MAX_UNPACKED_BYTES",
        "JOB_RUNNER_USERNAME",
        "JOB_RUNNER_PASSWORD",
    }
    assert "envFrom" not in init
    # the job's own variables are on the job container, for the job
    assert set(hostile) <= {item["name"] for item in main["env"]}


def test_both_containers_start_python_isolated_from_python_variables() -> None:
    pod = build_pod(CASES["minimal"])
    (init,) = pod["spec"]["initContainers"]
    (main,) = pod["spec"]["containers"]
    assert init["command"][:4] == ["python3", "-I", "-u", "-c"]
    assert main["command"][:3] == ["python3", "-I", "-u"]


def test_security_contexts_given_to_the_operator_win() -> None:
    """A hand-written DAG may set its own; the admin's config fills in only what is not given."""
    pod = build_pod(
        {
            "security_context": k8s.V1PodSecurityContext(run_as_user=4242),
            "container_security_context": k8s.V1SecurityContext(read_only_root_filesystem=True),
        }
    )
    assert pod["spec"]["securityContext"] == {"runAsUser": 4242}
    assert pod["spec"]["containers"][0]["securityContext"] == {"readOnlyRootFilesystem": True}
    assert pod["spec"]["initContainers"][0]["securityContext"]["capabilities"] == {"drop": ["ALL"]}
