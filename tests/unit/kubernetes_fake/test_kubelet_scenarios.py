"""The fake kubelet reports each lifecycle the way the real kubelet does (status, conditions, events)."""

from __future__ import annotations

import json
import threading

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from tests.fakes.kubernetes_api import (
    DEADLINE_MESSAGE,
    DEFAULT_UNSCHEDULABLE,
    FakeKubernetes,
    Script,
    Scripted,
    Sleep,
    eviction_message,
)

from ._helpers import condition, container_status, pod_body, status_of


@pytest.fixture
def api(kube_api: FakeKubernetes) -> client.CoreV1Api:
    return kube_api.core_v1()


def _reasons(kube: FakeKubernetes, pod: str) -> list[str]:
    return [event["reason"] for event in kube.events(pod=pod)]


def test_scripted_init_then_main_succeeds(kube_api, api):
    kube_api.set_scenario(
        Scripted(
            containers={
                "fetch": Script(["fetching", "fetched"]),
                "base": Script(["working", Sleep(0.02), "done"], termination_message="all good"),
            }
        )
    )
    api.create_namespaced_pod(
        "default", pod_body("ok", init_containers=[{"name": "fetch", "image": "python:3.12-slim"}])
    )
    pod = kube_api.wait_for_pod("ok", phase="Succeeded")
    status = pod["status"]
    assert status["qosClass"] == "BestEffort"
    assert status["startTime"] and status["podIP"] and status["hostIP"]
    assert [c["type"] for c in status["conditions"]] == [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    assert condition(pod, "Ready") | {"lastTransitionTime": None} == {
        "type": "Ready",
        "status": "False",
        "reason": "PodCompleted",
        "lastProbeTime": None,
        "lastTransitionTime": None,
    }
    assert condition(pod, "Initialized")["status"] == "True"
    init = container_status(pod, "fetch")
    assert init["state"]["terminated"]["reason"] == "Completed"
    assert init["state"]["terminated"]["exitCode"] == 0
    main = container_status(pod, "base")
    terminated = main["state"]["terminated"]
    assert terminated["reason"] == "Completed" and terminated["message"] == "all good"
    assert terminated["containerID"].startswith("containerd://")
    assert terminated["startedAt"] <= terminated["finishedAt"]
    assert main["image"] == "docker.io/library/busybox:1.36"
    assert main["imageID"].startswith("docker.io/library/busybox@sha256:")
    assert main["ready"] is False and main["started"] is False and main["restartCount"] == 0
    assert kube_api.pod_logs("ok", "fetch") == "fetching\nfetched\n"
    assert kube_api.pod_logs("ok", "base") == "working\ndone\n"
    assert _reasons(kube_api, "ok") == [
        "Scheduled",
        "Pulling",
        "Pulled",
        "Created",
        "Started",  # fetch
        "Pulling",
        "Pulled",
        "Created",
        "Started",  # base
    ]


def test_phases_and_statuses_while_running(kube_api, api):
    gate = threading.Event()
    kube_api.set_scenario(Scripted(containers={"base": Script(["hi", gate])}))
    api.create_namespaced_pod(
        "default", pod_body("live", init_containers=[{"name": "init", "image": "busybox"}])
    )
    pod = kube_api.wait_for_pod("live", phase="Running")
    assert "running" in container_status(pod, "base")["state"]
    assert container_status(pod, "base")["ready"] is True
    assert condition(pod, "Ready")["status"] == "True"
    gate.set()
    kube_api.wait_for_pod("live", phase="Succeeded")


def test_failing_container_reports_error_and_exit_code(kube_api, api):
    kube_api.set_scenario(
        Scripted(containers={"base": Script(["boom"], exit_code=3, termination_message="bad input")})
    )
    api.create_namespaced_pod("default", pod_body("fails"))
    pod = kube_api.wait_for_pod("fails", phase="Failed")
    terminated = container_status(pod, "base")["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"], terminated["message"]) == (3, "Error", "bad input")
    assert condition(pod, "Ready")["reason"] == "PodFailed"


def test_fallback_to_logs_on_error(kube_api, api):
    kube_api.set_scenario(Scripted(containers={"base": Script(["line 1", "Traceback: oops"], exit_code=1)}))
    body = pod_body(
        "fallback",
        containers=[{"name": "base", "image": "x", "terminationMessagePolicy": "FallbackToLogsOnError"}],
    )
    api.create_namespaced_pod("default", body)
    pod = kube_api.wait_for_pod("fallback", phase="Failed")
    assert container_status(pod, "base")["state"]["terminated"]["message"] == "line 1\nTraceback: oops\n"


def test_failing_init_container_fails_the_pod(kube_api, api):
    kube_api.set_scenario(Scripted(containers={"init": Script(["no artifact"], exit_code=2)}))
    api.create_namespaced_pod(
        "default", pod_body("initfail", init_containers=[{"name": "init", "image": "busybox"}])
    )
    pod = kube_api.wait_for_pod("initfail", phase="Failed")
    assert container_status(pod, "init")["state"]["terminated"]["exitCode"] == 2
    assert container_status(pod, "base")["state"] == {"waiting": {"reason": "PodInitializing"}}
    assert condition(pod, "Initialized") | {"lastTransitionTime": None} == {
        "type": "Initialized",
        "status": "False",
        "reason": "ContainersNotInitialized",
        "message": "containers with incomplete status: [init]",
        "lastProbeTime": None,
        "lastTransitionTime": None,
    }


def test_image_pull_failure_stays_pending(kube_api, api):
    kube_api.set_scenario(Scripted(image_pull_errors={"registry.example.org/nope:1.0": None}))
    api.create_namespaced_pod(
        "default", pod_body("pull", containers=[{"name": "base", "image": "registry.example.org/nope:1.0"}])
    )
    pod = kube_api.wait_for_pod(
        "pull",
        predicate=lambda p: "ImagePullBackOff" in json.dumps(p.get("status", {}).get("containerStatuses")),
    )
    assert pod["status"]["phase"] == "Pending"
    waiting = container_status(pod, "base")["state"]["waiting"]
    assert waiting["message"].startswith(
        'Back-off pulling image "registry.example.org/nope:1.0": ErrImagePull: '
    )
    events = kube_api.events(pod="pull")
    failed = [e["message"] for e in events if e["reason"] == "Failed"]
    assert failed[0] == (
        'Failed to pull image "registry.example.org/nope:1.0": rpc error: code = NotFound desc = failed to pull and '
        'unpack image "registry.example.org/nope:1.0": failed to resolve reference "registry.example.org/nope:1.0": '
        "registry.example.org/nope:1.0: not found"
    )
    assert "Error: ErrImagePull" in failed and "Error: ImagePullBackOff" in failed
    back_off = next(e for e in events if e["reason"] == "BackOff")
    assert (
        back_off["type"] == "Normal"
        and back_off["message"] == 'Back-off pulling image "registry.example.org/nope:1.0"'
    )
    # deleting a pending pod that was scheduled is graceful, and quick: nothing runs
    api.delete_namespaced_pod("pull", "default")
    kube_api.wait_for_pod_deleted("pull")


def test_invalid_image_name(kube_api, api):
    api.create_namespaced_pod(
        "default", pod_body("badimage", containers=[{"name": "base", "image": "Busybox:latest"}])
    )
    pod = kube_api.wait_for_pod("badimage", predicate=lambda p: "InvalidImageName" in json.dumps(p["status"]))
    assert container_status(pod, "base")["state"]["waiting"]["message"].startswith(
        'Failed to apply default image tag "Busybox:latest": couldn\'t parse image name "Busybox:latest": '
        "invalid reference format: repository name (library/Busybox) must be lowercase"
    )


def test_oom_killed(kube_api, api):
    kube_api.set_scenario(Scripted(containers={"base": Script.oom_killed(["allocating"])}))
    api.create_namespaced_pod("default", pod_body("oom"))
    pod = kube_api.wait_for_pod("oom", phase="Failed")
    terminated = container_status(pod, "base")["state"]["terminated"]
    assert (terminated["reason"], terminated["exitCode"]) == ("OOMKilled", 137)


def test_eviction(kube_api, api):
    kube_api.set_scenario(Scripted(default=Script(["running"], run_until_killed=True), evict_after=0.05))
    api.create_namespaced_pod("default", pod_body("evicted"))
    pod = kube_api.wait_for_pod(
        "evicted",
        phase="Failed",
        predicate=lambda p: "terminated" in p["status"]["containerStatuses"][0]["state"],
    )
    assert pod["status"]["reason"] == "Evicted"
    assert pod["status"]["message"] == eviction_message("base")
    assert pod["status"]["message"].startswith("The node was low on resource: memory. ")
    assert condition(pod, "DisruptionTarget")["reason"] == "TerminationByKubelet"
    terminated = container_status(pod, "base")["state"]["terminated"]
    assert terminated["exitCode"] == 137
    assert _reasons(kube_api, "evicted")[-2:] == ["Evicted", "Killing"]


def test_active_deadline_exceeded(kube_api, api):
    kube_api.set_scenario(Scripted(default=Script(["tick"], run_until_killed=True), time_scale=0.05))
    api.create_namespaced_pod(
        "default", pod_body("slow", activeDeadlineSeconds=1, terminationGracePeriodSeconds=1)
    )
    pod = kube_api.wait_for_pod(
        "slow",
        phase="Failed",
        predicate=lambda p: "terminated" in p["status"]["containerStatuses"][0]["state"],
    )
    assert (pod["status"]["reason"], pod["status"]["message"]) == ("DeadlineExceeded", DEADLINE_MESSAGE)
    assert container_status(pod, "base")["state"]["terminated"]["exitCode"] == 143
    deadline = next(e for e in kube_api.events(pod="slow") if e["reason"] == "DeadlineExceeded")
    assert deadline["type"] == "Warning" and deadline["message"] == DEADLINE_MESSAGE


def test_unschedulable(kube_api, api):
    kube_api.set_scenario(Scripted(unschedulable=DEFAULT_UNSCHEDULABLE))
    api.create_namespaced_pod("default", pod_body("nowhere"))
    pod = kube_api.wait_for_pod("nowhere", predicate=lambda p: p["status"].get("conditions"))
    assert pod["status"]["phase"] == "Pending"
    assert condition(pod, "PodScheduled") | {"lastTransitionTime": None} == {
        "type": "PodScheduled",
        "status": "False",
        "reason": "Unschedulable",
        "message": DEFAULT_UNSCHEDULABLE,
        "lastProbeTime": None,
        "lastTransitionTime": None,
    }
    event = kube_api.events(pod="nowhere")[0]
    assert (event["reason"], event["type"], event["reportingComponent"]) == (
        "FailedScheduling",
        "Warning",
        "default-scheduler",
    )
    # not scheduled: logs are empty, deletion is immediate
    assert api.read_namespaced_pod_log("nowhere", "default", _preload_content=False).data == b""
    api.delete_namespaced_pod("nowhere", "default")
    assert kube_api.get_pod("nowhere") is None


def test_too_big_requests_and_missing_claim_are_unschedulable(kube_api, api):
    big = pod_body(
        "big", containers=[{"name": "base", "image": "x", "resources": {"requests": {"memory": "64Gi"}}}]
    )
    api.create_namespaced_pod("default", big)
    pod = kube_api.wait_for_pod("big", predicate=lambda p: p["status"].get("conditions"))
    assert condition(pod, "PodScheduled")["message"].startswith(
        "0/1 nodes are available: 1 Insufficient memory."
    )
    claim = pod_body(
        "claim",
        volumes=[{"name": "data", "persistentVolumeClaim": {"claimName": "scratch"}}],
        containers=[{"name": "base", "image": "x", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
    )
    api.create_namespaced_pod("default", claim)
    pod = kube_api.wait_for_pod("claim", predicate=lambda p: p["status"].get("conditions"))
    assert 'persistentvolumeclaim "scratch" not found' in condition(pod, "PodScheduled")["message"]
    kube_api.create_pvc("scratch")
    kube_api.wait_for_pod("claim", phase="Succeeded")


def test_missing_secret_is_create_container_config_error_until_created(kube_api, api):
    env = [{"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}}]
    seen = {}

    def capture(ctx):
        seen.update(ctx.env)

    kube_api.set_scenario(Scripted(containers={"base": Script([capture])}))
    api.create_namespaced_pod(
        "default", pod_body("cfg", containers=[{"name": "base", "image": "x", "env": env}])
    )
    pod = kube_api.wait_for_pod(
        "cfg", predicate=lambda p: "CreateContainerConfigError" in json.dumps(p["status"])
    )
    assert pod["status"]["phase"] == "Pending"
    assert container_status(pod, "base")["state"]["waiting"] == {
        "reason": "CreateContainerConfigError",
        "message": 'secret "creds" not found',
    }
    kube_api.create_secret("creds", {"other": "x"})
    kube_api.wait_for_pod(
        "cfg",
        predicate=lambda p: (
            container_status(p, "base")["state"].get("waiting", {}).get("message")
            == "couldn't find key password in Secret default/creds"
        ),
    )
    api.patch_namespaced_secret("creds", "default", {"stringData": {"password": "s3cret"}})
    kube_api.wait_for_pod("cfg", phase="Succeeded")
    assert seen["PASSWORD"] == "s3cret"
    failed = [e for e in kube_api.events(pod="cfg") if e["reason"] == "Failed"]
    assert failed[0]["message"] == 'Error: secret "creds" not found' and failed[0]["count"] >= 1


def test_missing_secret_volume_is_failed_mount(kube_api, api):
    body = pod_body(
        "mount",
        volumes=[{"name": "conf", "secret": {"secretName": "conf"}}],
        containers=[{"name": "base", "image": "x", "volumeMounts": [{"name": "conf", "mountPath": "/conf"}]}],
    )
    api.create_namespaced_pod("default", body)
    kube_api.wait_for(lambda: "FailedMount" in _reasons(kube_api, "mount"), message="FailedMount")
    pod = kube_api.get_pod("mount")
    assert pod["status"]["phase"] == "Pending"
    assert container_status(pod, "base")["state"]["waiting"]["reason"] == "ContainerCreating"
    event = next(e for e in kube_api.events(pod="mount") if e["reason"] == "FailedMount")
    assert event["message"] == 'MountVolume.SetUp failed for volume "conf" : secret "conf" not found'
    kube_api.create_secret("conf", {"a": "b"})
    kube_api.wait_for_pod("mount", phase="Succeeded")


def test_restart_on_failure_crash_loops_and_keeps_previous_logs(kube_api, api):
    attempts = []

    def attempt(ctx):
        attempts.append(1)
        ctx.log(f"attempt {len(attempts)}")

    kube_api.set_scenario(Scripted(containers={"base": Script([attempt], exit_code=1)}))
    api.create_namespaced_pod("default", pod_body("crash", restartPolicy="OnFailure"))
    pod = kube_api.wait_for_pod(
        "crash",
        predicate=lambda p: (
            "containerStatuses" in p["status"] and container_status(p, "base")["restartCount"] >= 2
        ),
    )
    assert pod["status"]["phase"] in ("Running", "Pending")
    assert container_status(pod, "base")["lastState"]["terminated"]["exitCode"] == 1
    previous = api.read_namespaced_pod_log(
        "crash", "default", previous=True, _preload_content=False
    ).data.decode()
    assert previous.startswith("attempt ")
    assert "BackOff" in _reasons(kube_api, "crash")
    api.delete_namespaced_pod("crash", "default", grace_period_seconds=0)
    kube_api.wait_for_pod_deleted("crash")


def test_graceful_delete_sigterm_then_sigkill(kube_api, api):
    kube_api.add_scenario(Scripted(default=Script(["up"], run_until_killed=True)), name="polite")
    kube_api.add_scenario(
        Scripted(default=Script(["up"], run_until_killed=True, ignore_sigterm=True)), name="stubborn"
    )
    for name in ("polite", "stubborn"):
        api.create_namespaced_pod("default", pod_body(name, terminationGracePeriodSeconds=1))
        kube_api.wait_for_pod(name, phase="Running")
    w_start = api.list_namespaced_pod("default").metadata.resource_version
    api.delete_namespaced_pod("polite", "default")
    api.delete_namespaced_pod("stubborn", "default", grace_period_seconds=0)
    kube_api.wait_for_pod_deleted("polite")
    kube_api.wait_for_pod_deleted("stubborn")
    final = {}
    w = watch.Watch()
    for event in w.stream(api.list_namespaced_pod, "default", resource_version=w_start, timeout_seconds=5):
        if event["type"] == "DELETED":
            final[event["object"].metadata.name] = event["object"]
        if len(final) == 2:
            w.stop()
    polite = final["polite"]
    assert polite.metadata.deletion_timestamp is not None
    assert polite.status.container_statuses[0].state.terminated.exit_code == 143
    assert "Killing" in _reasons(kube_api, "polite")
    assert final["stubborn"].metadata.deletion_grace_period_seconds == 0


def test_finalizers_hold_deletion(kube_api, api):
    api.create_namespaced_pod(
        "default", pod_body("held") | {"metadata": {"name": "held", "finalizers": ["example.com/x"]}}
    )
    kube_api.wait_for_pod("held", phase="Succeeded")
    api.delete_namespaced_pod("held", "default")
    assert kube_api.get_pod("held")["metadata"]["deletionTimestamp"]
    api.patch_namespaced_pod(
        "held", "default", {"metadata": {"finalizers": None}}, _content_type="application/merge-patch+json"
    )
    kube_api.wait_for_pod_deleted("held")


def test_delete_preconditions(kube_api, api):
    api.create_namespaced_pod("default", pod_body("pre"))
    with pytest.raises(ApiException) as exc:
        api.delete_namespaced_pod(
            "pre", "default", body=client.V1DeleteOptions(preconditions=client.V1Preconditions(uid="other"))
        )
    assert exc.value.status == 409
    assert status_of(exc.value)["message"].startswith(
        'Operation cannot be fulfilled on pods "pre": Precondition failed: UID'
    )
