"""The fake API server answers the real ``kubernetes`` client as a real API server does."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import kubernetes_validate
import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from tests.fakes.kubernetes_api import FakeKubernetes, Script, Scripted, Sleep

from ._helpers import pod_body, status_of

RFC3339_NANO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z ")


@pytest.fixture
def api(kube_api: FakeKubernetes) -> client.CoreV1Api:
    return kube_api.core_v1()


def raw_get(kube: FakeKubernetes, path: str) -> bytes:
    request = urllib.request.Request(kube.url + path, headers={"Authorization": f"Bearer {kube.token}"})
    with urllib.request.urlopen(request) as response:
        return response.read()


def raw_request(
    kube: FakeKubernetes, method: str, path: str, body: object, content_type: str
) -> tuple[int, dict]:
    request = urllib.request.Request(
        kube.url + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {kube.token}"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_create_get_list_delete_roundtrip(kube_api, api):
    kube_api.set_scenario(Scripted(default=Script(run_until_killed=True)))
    created = api.create_namespaced_pod("default", pod_body("roundtrip", labels={"app": "x"}))
    assert created.metadata.uid and created.metadata.resource_version
    assert created.status.phase == "Pending"
    assert created.spec.containers[0].termination_message_path == "/dev/termination-log"
    assert created.spec.containers[0].image_pull_policy == "IfNotPresent"
    assert created.spec.service_account_name == "default"

    read = api.read_namespaced_pod("roundtrip", "default")
    assert read.metadata.uid == created.metadata.uid
    listed = api.list_namespaced_pod("default")
    assert [p.metadata.name for p in listed.items] == ["roundtrip"]
    assert int(listed.metadata.resource_version) >= int(created.metadata.resource_version)

    kube_api.wait_for_pod("roundtrip", phase="Running")
    deleted = api.delete_namespaced_pod(
        "roundtrip", "default", body=client.V1DeleteOptions(grace_period_seconds=1)
    )
    assert isinstance(deleted, client.V1Pod)
    assert deleted.metadata.deletion_timestamp is not None
    assert deleted.metadata.deletion_grace_period_seconds == 1
    kube_api.wait_for_pod_deleted("roundtrip")
    with pytest.raises(ApiException) as missing:
        api.delete_namespaced_pod("roundtrip", "default")
    assert missing.value.status == 404


def test_not_found_is_a_status_object(api):
    with pytest.raises(ApiException) as exc:
        api.read_namespaced_pod("nope", "default")
    assert exc.value.status == 404
    assert status_of(exc.value) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'pods "nope" not found',
        "reason": "NotFound",
        "details": {"name": "nope", "kind": "pods"},
        "code": 404,
    }


def test_already_exists_is_409(api):
    api.create_namespaced_pod("default", pod_body("twice"))
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_pod("default", pod_body("twice"))
    assert exc.value.status == 409
    body = status_of(exc.value)
    assert body["reason"] == "AlreadyExists"
    assert body["message"] == 'pods "twice" already exists'


def test_invalid_pod_is_422_with_causes(api):
    bad = pod_body("Bad_Name", containers=[{"name": "base"}])
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_pod("default", bad)
    assert exc.value.status == 422
    body = status_of(exc.value)
    assert body["reason"] == "Invalid"
    assert body["message"].startswith(
        'Pod "Bad_Name" is invalid: [metadata.name: Invalid value: "Bad_Name": '
    )
    assert "spec.containers[0].image: Required value" in body["message"]
    assert body["details"]["kind"] == "Pod"
    assert {(c["field"], c["reason"]) for c in body["details"]["causes"]} == {
        ("metadata.name", "FieldValueInvalid"),
        ("spec.containers[0].image", "FieldValueRequired"),
    }


def test_single_validation_error_has_no_brackets(api):
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_pod("default", pod_body("deadline", activeDeadlineSeconds=0))
    assert status_of(exc.value)["message"] == (
        'Pod "deadline" is invalid: spec.activeDeadlineSeconds: Invalid value: 0: '
        "must be between 1 and 2147483647, inclusive"
    )


def test_unknown_volume_mount_and_bad_quantity(api):
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_pod(
            "default",
            pod_body(
                "mounts",
                containers=[
                    {"name": "base", "image": "x", "volumeMounts": [{"name": "w", "mountPath": "/w"}]}
                ],
            ),
        )
    assert 'spec.containers[0].volumeMounts[0].name: Not found: "w"' in status_of(exc.value)["message"]
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_pod(
            "default",
            pod_body(
                "q", containers=[{"name": "base", "image": "x", "resources": {"limits": {"memory": "1GB"}}}]
            ),
        )
    assert exc.value.status == 400
    assert "quantities must match the regular expression" in status_of(exc.value)["message"]


def test_namespace_must_exist_and_match(kube_api, api):
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_pod("elsewhere", pod_body("p"))
    assert exc.value.status == 404
    assert status_of(exc.value)["message"] == 'namespaces "elsewhere" not found'
    body = pod_body("p")
    body["metadata"]["namespace"] = "kube-system"
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_pod("default", body)
    assert exc.value.status == 400
    kube_api.create_namespace("elsewhere")
    assert api.create_namespaced_pod("elsewhere", pod_body("p")).metadata.namespace == "elsewhere"


def test_missing_service_account_is_forbidden(api):
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_pod("default", pod_body("sa", serviceAccountName="runner"))
    assert exc.value.status == 403
    assert status_of(exc.value)["message"] == (
        'pods "sa" is forbidden: error looking up service account default/runner: serviceaccount "runner" not found'
    )


def test_requests_need_the_bearer_token(kube_api):
    anonymous = client.CoreV1Api(client.ApiClient(client.Configuration(host=kube_api.url)))
    with pytest.raises(ApiException) as exc:
        anonymous.list_namespaced_pod("default")
    assert exc.value.status == 401
    assert status_of(exc.value)["reason"] == "Unauthorized"


def test_generate_name(api):
    body = pod_body("")
    body["metadata"] = {"generateName": "job-"}
    created = api.create_namespaced_pod("default", body)
    assert re.fullmatch(r"job-[bcdfghjklmnpqrstvwxz2456789]{5}", created.metadata.name)


def test_label_selectors(kube_api, api):
    for name, labels in {
        "a": {"app": "x", "tier": "web"},
        "b": {"app": "x", "tier": "db", "already_checked": "True"},
        "c": {"app": "y", "airflow-worker": "1"},
        "d": {},
    }.items():
        api.create_namespaced_pod("default", pod_body(name, labels=labels))

    def names(selector: str) -> list[str]:
        return [p.metadata.name for p in api.list_namespaced_pod("default", label_selector=selector).items]

    assert names("app=x") == ["a", "b"]
    assert names("app==x,tier!=db") == ["a"]
    assert names("app=x,already_checked!=True,!airflow-worker") == ["a"]
    assert names("tier in (web, db)") == ["a", "b"]
    assert names("tier notin (web)") == ["b", "c", "d"]
    assert names("airflow-worker") == ["c"]
    assert names("!app") == ["d"]
    assert names("") == ["a", "b", "c", "d"]
    with pytest.raises(ApiException) as exc:
        names("app in x")
    assert exc.value.status == 400
    assert status_of(exc.value)["message"].startswith("unable to parse requirement")
    with pytest.raises(ApiException) as exc:
        names("app=not valid!")
    assert exc.value.status == 400


def test_field_selectors(kube_api, api):
    kube_api.add_scenario(Scripted(default=Script(run_until_killed=True)), name="running")
    api.create_namespaced_pod("default", pod_body("running"))
    api.create_namespaced_pod("default", pod_body("done"))
    kube_api.wait_for_pod("running", phase="Running")
    kube_api.wait_for_pod("done", phase="Succeeded")
    by_name = api.list_namespaced_pod("default", field_selector="metadata.name=done").items
    assert [p.metadata.name for p in by_name] == ["done"]
    running = api.list_namespaced_pod("default", field_selector="status.phase!=Succeeded").items
    assert [p.metadata.name for p in running] == ["running"]
    with pytest.raises(ApiException) as exc:
        api.list_namespaced_pod("default", field_selector="spec.image=busybox")
    assert exc.value.status == 400
    assert status_of(exc.value)["message"] == "field label not supported: spec.image"


def test_pagination(api):
    for index in range(5):
        api.create_namespaced_pod("default", pod_body(f"page-{index}"))
    first = api.list_namespaced_pod("default", limit=2)
    assert [p.metadata.name for p in first.items] == ["page-0", "page-1"]
    assert first.metadata.remaining_item_count == 3
    rest = api.list_namespaced_pod("default", limit=10, _continue=first.metadata._continue)
    assert [p.metadata.name for p in rest.items] == ["page-2", "page-3", "page-4"]
    assert rest.metadata._continue is None


def test_patches(kube_api, api):
    kube_api.set_scenario(Scripted(default=Script(run_until_killed=True)))
    api.create_namespaced_pod("default", pod_body("patched", labels={"keep": "1", "drop": "1"}))
    # a dict body goes out as a strategic merge patch, like KubernetesPodOperator's "already_checked"
    patched = api.patch_namespaced_pod(
        "patched", "default", {"metadata": {"labels": {"already_checked": "True", "drop": None}}}
    )
    assert patched.metadata.labels == {"keep": "1", "already_checked": "True"}
    merged = api.patch_namespaced_pod(
        "patched",
        "default",
        {"metadata": {"annotations": {"a": "b"}}},
        _content_type="application/merge-patch+json",
    )
    assert merged.metadata.annotations == {"a": "b"}
    jsonpatched = api.patch_namespaced_pod(
        "patched", "default", [{"op": "add", "path": "/metadata/labels/extra", "value": "yes"}]
    )
    assert jsonpatched.metadata.labels["extra"] == "yes"
    assert int(jsonpatched.metadata.resource_version) > int(patched.metadata.resource_version)

    with pytest.raises(ApiException) as exc:
        api.patch_namespaced_pod("patched", "default", {"spec": {"restartPolicy": "Always"}})
    assert exc.value.status == 422
    assert "pod updates may not change fields other than" in status_of(exc.value)["message"]
    image = api.patch_namespaced_pod(
        "patched", "default", {"spec": {"containers": [{"name": "base", "image": "busybox:2"}]}}
    )
    assert image.spec.containers[0].image == "busybox:2"

    stale = {"metadata": {"resourceVersion": patched.metadata.resource_version, "labels": {"x": "y"}}}
    with pytest.raises(ApiException) as exc:
        api.patch_namespaced_pod("patched", "default", stale, _content_type="application/merge-patch+json")
    assert exc.value.status == 409
    assert status_of(exc.value)["reason"] == "Conflict"
    # the client turns a json-patch content type with an object body into a strategic merge patch: send raw
    code, body = raw_request(
        kube_api, "PATCH", "/api/v1/namespaces/default/pods/patched", {"a": 1}, "application/json-patch+json"
    )
    assert code == 400
    assert "cannot unmarshal object into Go value of type []handlers.jsonPatchOp" in body["message"]
    code, body = raw_request(
        kube_api, "PATCH", "/api/v1/namespaces/default/pods/patched", {}, "application/json"
    )
    assert (code, body["reason"]) == (415, "UnsupportedMediaType")


def test_watch_sees_added_modified_deleted_in_order(kube_api, api):
    gate = threading.Event()
    kube_api.set_scenario(Scripted(containers={"base": Script(["up", gate])}))
    seen: list[tuple[str, str | None, int]] = []
    start = api.list_namespaced_pod("default").metadata.resource_version
    api.create_namespaced_pod("default", pod_body("watched"))
    w = watch.Watch()
    stream = w.stream(
        api.list_namespaced_pod,
        "default",
        field_selector="metadata.name=watched",
        resource_version=start,
        timeout_seconds=20,
    )
    for event in stream:
        pod = event["object"]
        seen.append((event["type"], pod.status.phase, int(pod.metadata.resource_version)))
        if pod.status.phase == "Running":
            gate.set()
        if event["type"] == "MODIFIED" and pod.status.phase == "Succeeded":
            api.delete_namespaced_pod("watched", "default")
        if event["type"] == "DELETED":
            w.stop()
    types = [t for t, _, _ in seen]
    assert types[0] == "ADDED" and types[-1] == "DELETED"
    assert set(types[1:-1]) == {"MODIFIED"}
    versions = [rv for _, _, rv in seen]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    phases = [phase for _, phase, _ in seen]
    assert phases.index("Running") < phases.index("Succeeded")


def test_watch_resumes_from_resource_version_and_expires(kube_api, api):
    created = api.create_namespaced_pod("default", pod_body("resume"))
    kube_api.wait_for_pod("resume", phase="Succeeded")
    w = watch.Watch()
    events = list(
        w.stream(
            api.list_namespaced_pod,
            "default",
            resource_version=created.metadata.resource_version,
            timeout_seconds=1,
        )
    )
    assert events and all(e["type"] == "MODIFIED" for e in events)
    assert events[-1]["object"].status.phase == "Succeeded"
    kube_api.compact()
    with pytest.raises(ApiException) as exc:
        list(
            watch.Watch().stream(api.list_namespaced_pod, "default", resource_version="2", timeout_seconds=1)
        )
    assert exc.value.status == 410


def test_log_follow_streams_while_running_and_ends_at_termination(kube_api, api):
    gate = threading.Event()
    kube_api.set_scenario(
        Scripted(containers={"base": Script(["first", gate, "second", Sleep(0.05), "third"])})
    )
    api.create_namespaced_pod("default", pod_body("talker"))
    kube_api.wait_for_pod("talker", phase="Running")
    response = api.read_namespaced_pod_log(
        "talker", "default", container="base", follow=True, timestamps=True, _preload_content=False
    )
    lines = []
    for raw in response:
        lines.append(raw.decode())
        if lines[-1].endswith("first\n"):
            assert kube_api.get_pod("talker")["status"]["phase"] == "Running"
            gate.set()
    assert [line.split(" ", 1)[1] for line in lines] == ["first\n", "second\n", "third\n"]
    assert all(RFC3339_NANO.match(line) for line in lines)
    # the stream ended because the container terminated, and the status already says so
    pod = kube_api.get_pod("talker")
    assert pod["status"]["containerStatuses"][0]["state"]["terminated"]["reason"] == "Completed"
    assert pod["status"]["phase"] == "Succeeded"


def test_log_options(kube_api, api):
    kube_api.set_scenario(
        Scripted(containers={"base": Script(["one", "two", "three"]), "side": Script(["s"])})
    )
    two = pod_body("opts", containers=[{"name": "base", "image": "a"}, {"name": "side", "image": "b"}])
    two["spec"]["initContainers"] = [{"name": "init", "image": "c"}]
    api.create_namespaced_pod("default", two)
    kube_api.wait_for_pod("opts", phase="Succeeded")

    def logs(**kwargs) -> str:
        return api.read_namespaced_pod_log("opts", "default", _preload_content=False, **kwargs).data.decode()

    assert logs(container="base") == "one\ntwo\nthree\n"
    assert logs(container="base", tail_lines=2) == "two\nthree\n"
    assert logs(container="base", limit_bytes=5) == "one\nt"
    assert logs(container="base", since_seconds=3600) == "one\ntwo\nthree\n"
    # this client version has no since_time argument: ask over plain HTTP
    since = urllib.parse.quote("2999-01-01T00:00:00Z")
    assert (
        raw_get(kube_api, f"/api/v1/namespaces/default/pods/opts/log?container=base&sinceTime={since}") == b""
    )
    since = urllib.parse.quote("2000-01-01T00:00:00.5+01:00")
    assert (
        raw_get(kube_api, f"/api/v1/namespaces/default/pods/opts/log?container=base&sinceTime={since}")
        == b"one\ntwo\nthree\n"
    )
    with pytest.raises(ApiException) as exc:
        logs()
    assert exc.value.status == 400
    assert status_of(exc.value)["message"] == (
        "a container name must be specified for pod opts, choose one of: [base side] "
        "or one of the init containers: [init]"
    )
    with pytest.raises(ApiException) as exc:
        logs(container="nope")
    assert status_of(exc.value)["message"] == "container nope is not valid for pod opts"
    with pytest.raises(ApiException) as exc:
        logs(container="base", since_seconds=0)
    assert exc.value.status == 422


def test_logs_of_a_waiting_container_are_a_400(kube_api, api):
    kube_api.set_scenario(Scripted(image_pull_errors={"ghost:1": None}))
    api.create_namespaced_pod("default", pod_body("ghost", containers=[{"name": "base", "image": "ghost:1"}]))
    kube_api.wait_for_pod(
        "ghost",
        predicate=lambda p: (
            "waiting" in (p["status"].get("containerStatuses") or [{}])[0].get("state", {})
            and p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
            in ("ErrImagePull", "ImagePullBackOff")
        ),
    )
    with pytest.raises(ApiException) as exc:
        api.read_namespaced_pod_log("ghost", "default", container="base", _preload_content=False)
    assert exc.value.status == 400
    assert re.fullmatch(
        r'container "base" in pod "ghost" is waiting to start: (image can\'t be pulled|trying and failing to pull image)',
        status_of(exc.value)["message"],
    )


def test_events_core_and_events_k8s_io(kube_api, api):
    api.create_namespaced_pod("default", pod_body("evented"))
    kube_api.wait_for_pod("evented", phase="Succeeded")
    events = api.list_namespaced_event("default", field_selector="involvedObject.name=evented").items
    reasons = [e.reason for e in events]
    assert reasons == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    kubelet = events[-1]
    assert kubelet.source.component == "kubelet" and kubelet.count == 1 and kubelet.type == "Normal"
    assert kubelet.involved_object.field_path == "spec.containers{base}"
    assert kubelet.message == "Started container base"
    assert events[0].reporting_component == "default-scheduler" and events[0].event_time is not None
    events_v1 = client.EventsV1Api(api.api_client)
    raw = events_v1.list_namespaced_event(
        "default", field_selector="regarding.name=evented", _preload_content=False
    )
    newer = json.loads(raw.data)["items"]
    assert [e["reason"] for e in newer] == reasons
    assert newer[-1]["regarding"]["name"] == "evented" and newer[-1]["note"] == "Started container base"
    # as on real clusters, kubelet events have no eventTime in events.k8s.io/v1, which this
    # client's typed model rejects (kubernetes-client/python#1616)
    assert newer[-1]["eventTime"] is None
    with pytest.raises(ValueError, match="event_time"):
        events_v1.list_namespaced_event("default")
    kube_api.too_large_rv_wait = 0.05
    with pytest.raises(ApiException) as exc:
        api.list_namespaced_event("default", resource_version="999999", resource_version_match="NotOlderThan")
    assert exc.value.status == 504


def test_secrets_configmaps_claims(kube_api, api):
    secret = api.create_namespaced_secret(
        "default", {"metadata": {"name": "creds"}, "stringData": {"user": "ada"}, "data": {"pw": "czNjcmV0"}}
    )
    assert secret.type == "Opaque"
    assert secret.data == {"pw": "czNjcmV0", "user": "YWRh"}
    assert api.read_namespaced_secret("creds", "default").data["user"] == "YWRh"
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_secret("default", {"metadata": {"name": "bad"}, "data": {"k": "not base64!"}})
    assert exc.value.status == 400
    with pytest.raises(ApiException) as exc:
        api.read_namespaced_config_map("absent", "default")
    assert status_of(exc.value)["message"] == 'configmaps "absent" not found'
    api.create_namespaced_config_map(
        "default", {"metadata": {"name": "cfg"}, "data": {"a.properties": "x=1"}}
    )
    assert api.read_namespaced_config_map("cfg", "default").data == {"a.properties": "x=1"}
    deleted = api.delete_namespaced_config_map("cfg", "default")
    assert deleted.status == "Success"
    claim = api.create_namespaced_persistent_volume_claim(
        "default",
        {
            "metadata": {"name": "scratch"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
        },
    )
    assert claim.metadata.name == "scratch"
    assert api.read_namespaced_persistent_volume_claim("scratch", "default").status.phase == "Bound"
    with pytest.raises(ApiException) as exc:
        api.create_namespaced_persistent_volume_claim(
            "default", {"metadata": {"name": "nothing"}, "spec": {}}
        )
    assert exc.value.status == 422


def test_discovery_and_version(kube_api):
    api_client = kube_api.api_client()
    assert client.VersionApi(api_client).get_code().git_version.startswith("v1.")
    assert "v1" in client.CoreApi(api_client).get_api_versions().versions
    groups = client.ApisApi(api_client).get_api_versions().groups
    assert [g.name for g in groups] == ["events.k8s.io"]


def test_emitted_objects_are_schema_valid(kube_api, api):
    kube_api.set_scenario(
        Scripted(containers={"base": Script(["x"], exit_code=2, termination_message="bad")})
    )
    body = pod_body("valid", init_containers=[{"name": "init", "image": "busybox"}])
    api.create_namespaced_pod("default", body)
    pod = kube_api.wait_for_pod("valid", phase="Failed")
    kubernetes_validate.validate(pod, "1.33.0", strict=True)
    for event in kube_api.events(pod="valid"):
        kubernetes_validate.validate(event, "1.33.0", strict=True)
    kubernetes_validate.validate(kube_api.create_secret("s", {"k": "v"}), "1.33.0", strict=True)


def test_kubernetes_asyncio_client(kube_api):
    from kubernetes_asyncio import client as aclient
    from kubernetes_asyncio import watch as awatch

    kube_api.set_scenario(Scripted(containers={"base": Script(["async hello"])}))

    async def scenario() -> tuple[str, list[str], bytes]:
        api_client = await kube_api.async_api_client()
        async with api_client:
            api = aclient.CoreV1Api(api_client)
            await api.create_namespaced_pod("default", pod_body("aio"))
            reasons: list[str] = []
            w = awatch.Watch()
            async for event in w.stream(
                api.list_namespaced_event,
                "default",
                field_selector="involvedObject.name=aio",
                timeout_seconds=5,
            ):
                reasons.append(event["object"].reason)
                if event["object"].reason == "Started":
                    w.stop()
            await asyncio.to_thread(kube_api.wait_for_pod, "aio", phase="Succeeded")
            pod = await api.read_namespaced_pod("aio", "default")
            raw = await api.read_namespaced_pod_log("aio", "default", timestamps=True, _preload_content=False)
            return pod.status.phase, reasons, await raw.read()

    phase, reasons, logs = asyncio.run(scenario())
    assert phase == "Succeeded"
    assert reasons[0] == "Scheduled" and reasons[-1] == "Started"
    assert RFC3339_NANO.match(logs.decode()) and logs.decode().endswith(" async hello\n")


def test_fault_injection(kube_api, api):
    api.create_namespaced_pod("default", pod_body("flaky"))
    kube_api.fail_next(500, method="GET", path=r"/pods/flaky$")
    with pytest.raises(ApiException) as exc:
        api.read_namespaced_pod("flaky", "default")
    assert exc.value.status == 500
    assert status_of(exc.value)["reason"] == "InternalError"
    # urllib3 (under the kubernetes client) honours Retry-After on a 429 and retries by itself
    kube_api.fail_next(429, method="GET", path=r"/pods/flaky$", retry_after=0)
    assert api.read_namespaced_pod("flaky", "default").metadata.name == "flaky"
    assert [r.status for r in kube_api.requests_to("GET", r"/pods/flaky$")] == [500, 429, 200]
