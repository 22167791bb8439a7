"""Process mode: the fake kubelet really runs each container's command as a local process."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from kubernetes import client

from tests.fakes.kubernetes_api import FakeKubernetes, Process

from ._helpers import container_status, pod_body

PY = "python3"


@pytest.fixture
def api(kube_api: FakeKubernetes) -> client.CoreV1Api:
    kube_api.set_scenario(Process())
    return kube_api.core_v1()


def _container(name: str, code: str, **extra) -> dict:
    return {"name": name, "image": "python:3.12-slim", "command": [PY, "-c", code], **extra}


def test_runs_the_command_and_captures_stdout_and_stderr(kube_api, api):
    code = "import sys; print('hello', flush=True); print('to stderr', file=sys.stderr)"
    api.create_namespaced_pod("default", pod_body("hello", containers=[_container("base", code)]))
    pod = kube_api.wait_for_pod("hello", phase="Succeeded")
    assert container_status(pod, "base")["state"]["terminated"]["reason"] == "Completed"
    assert kube_api.pod_logs("hello", "base") == "hello\nto stderr\n"
    logs = api.read_namespaced_pod_log(
        "hello", "default", timestamps=True, _preload_content=False
    ).data.decode()
    assert [line.split(" ", 1)[1] for line in logs.splitlines()] == ["hello", "to stderr"]


def test_exit_code_and_termination_message(kube_api, api, tmp_path):
    message_file = tmp_path / "term" / "message"
    code = (
        "import sys, os; open(os.environ['TERM_FILE'], 'w').write('no input found'); "
        "print('failing'); sys.exit(3)"
    )
    container = _container(
        "base",
        code,
        env=[{"name": "TERM_FILE", "value": str(message_file)}],
        terminationMessagePath=str(message_file),
    )
    api.create_namespaced_pod("default", pod_body("exit3", containers=[container]))
    pod = kube_api.wait_for_pod("exit3", phase="Failed")
    terminated = container_status(pod, "base")["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"], terminated["message"]) == (
        3,
        "Error",
        "no input found",
    )


def test_default_termination_log_path_is_mapped(kube_api, api):
    code = "import os, sys; open(os.environ['LOG'], 'w').write('written to the mapped file'); sys.exit(1)"
    container = _container("base", code, env=[{"name": "LOG", "value": "/dev/termination-log"}])
    api.create_namespaced_pod("default", pod_body("mapped", containers=[container]))
    pod = kube_api.wait_for_pod("mapped", phase="Failed")
    assert container_status(pod, "base")["state"]["terminated"]["message"] == "written to the mapped file"
    assert not Path("/dev/termination-log").exists()


def test_init_container_shares_an_empty_dir_with_the_main_container(kube_api, api, tmp_path):
    workspace = tmp_path / "workspace"
    write = (
        f"import pathlib; pathlib.Path('{workspace}/artifact.txt').write_text('fetched'); print('init done')"
    )
    read = "print(open('artifact.txt').read())"  # relative to workingDir
    mount = [{"name": "ws", "mountPath": str(workspace)}]
    body = pod_body(
        "shared",
        volumes=[{"name": "ws", "emptyDir": {"sizeLimit": "1Gi"}}],
        init_containers=[_container("fetch", write, volumeMounts=mount)],
        containers=[_container("base", read, volumeMounts=mount, workingDir=str(workspace))],
    )
    api.create_namespaced_pod("default", body)
    kube_api.wait_for_pod("shared", phase="Succeeded")
    assert kube_api.pod_logs("shared", "fetch") == "init done\n"
    assert kube_api.pod_logs("shared", "base") == "fetched\n"
    assert workspace.is_symlink()
    api.delete_namespaced_pod("shared", "default")
    kube_api.wait_for(lambda: not workspace.exists(), message="emptyDir removed with the pod")


def test_env_from_secrets_and_config_maps_and_expansion(kube_api, api, tmp_path):
    kube_api.create_secret("creds", {"username": "ada", "password": "s3cret"})
    kube_api.create_config_map("settings", {"REGION": "north", "MODE": "fast"})
    env = [
        {"name": "USER_NAME", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "username"}}},
        {
            "name": "MISSING_OK",
            "valueFrom": {"secretKeyRef": {"name": "absent", "key": "x", "optional": True}},
        },
        {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "MODE"}}},
        {"name": "GREETING", "value": "hi $(USER_NAME) in $(CFG_REGION), $$(literal)"},
        {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "MEM", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
    ]
    code = "import json, os, sys; print(json.dumps({k: os.environ.get(k) for k in sys.argv[1:]}))"
    names = ["USER_NAME", "MISSING_OK", "MODE", "GREETING", "POD", "MEM", "CFG_REGION", "HOSTNAME", "HOME"]
    container = _container(
        "base",
        code,
        args=[*names, "$(MODE)"],
        env=env,
        envFrom=[{"configMapRef": {"name": "settings"}, "prefix": "CFG_"}],
        resources={"limits": {"memory": "256Mi"}},
    )
    api.create_namespaced_pod("default", pod_body("envs", containers=[container]))
    kube_api.wait_for_pod("envs", phase="Succeeded")
    seen = json.loads(kube_api.pod_logs("envs", "base"))
    assert seen["USER_NAME"] == "ada" and seen["MODE"] == "fast" and seen["CFG_REGION"] == "north"
    assert seen["MISSING_OK"] is None
    assert seen["GREETING"] == "hi ada in north, $(literal)"
    assert seen["POD"] == "envs" and seen["HOSTNAME"] == "envs" and seen["MEM"] == "256"
    assert seen["fast"] is None  # $(MODE) in args was expanded to "fast"
    assert seen["HOME"] != os.environ.get("HOME")


def test_secret_and_config_map_volumes(kube_api, api, tmp_path):
    kube_api.create_secret("creds", {"password": "s3cret"})
    kube_api.create_config_map("job-config", {"app.properties": "x=1"})
    config_dir = tmp_path / "etc" / "job-config"
    code = (
        f"import os; d='{config_dir}'; print(sorted(os.listdir(d))); print(open(d + '/db.password').read())"
    )
    projected = {
        "sources": [
            {
                "configMap": {
                    "name": "job-config",
                    "items": [{"key": "app.properties", "path": "app.properties"}],
                }
            },
            {"secret": {"name": "creds", "items": [{"key": "password", "path": "db.password"}]}},
        ]
    }
    body = pod_body(
        "files",
        volumes=[{"name": "cfg", "projected": projected}],
        containers=[
            _container(
                "base", code, volumeMounts=[{"name": "cfg", "mountPath": str(config_dir), "readOnly": True}]
            )
        ],
    )
    api.create_namespaced_pod("default", body)
    kube_api.wait_for_pod("files", phase="Succeeded")
    assert kube_api.pod_logs("files", "base") == "['app.properties', 'db.password']\ns3cret\n"


def test_command_not_found_is_start_error(kube_api, api):
    container = {"name": "base", "image": "x", "command": ["definitely-not-a-command-xyz"]}
    api.create_namespaced_pod("default", pod_body("nocmd", containers=[container]))
    pod = kube_api.wait_for_pod("nocmd", phase="Failed")
    terminated = container_status(pod, "base")["state"]["terminated"]
    assert (terminated["reason"], terminated["exitCode"]) == ("StartError", 128)
    assert 'exec: "definitely-not-a-command-xyz": executable file not found in $PATH' in terminated["message"]
    assert terminated["startedAt"] == "1970-01-01T00:00:00Z"


def test_delete_sends_sigterm_then_sigkill_after_grace(kube_api, api, tmp_path):
    polite = (
        "import signal, sys, time\n"
        "import os\n"
        "signal.signal(signal.SIGTERM, lambda *a: (os.write(1, b'got SIGTERM\\n'), sys.exit(0)))\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    stubborn = (
        "import signal, time\n"
        "import os\n"
        "signal.signal(signal.SIGTERM, lambda *a: os.write(1, b'ignoring SIGTERM\\n'))\n"
        "print('ready', flush=True)\n"
        "while True: time.sleep(0.05)\n"
    )
    kube_api.set_scenario(Process(time_scale=0.2))
    for name, code in (("polite", polite), ("stubborn", stubborn)):
        api.create_namespaced_pod(
            "default", pod_body(name, containers=[_container("base", code)], terminationGracePeriodSeconds=1)
        )
    for name in ("polite", "stubborn"):
        kube_api.wait_for(
            lambda name=name: kube_api.pod_logs(name, "base") == "ready\n", message=f"{name} ready"
        )
        api.delete_namespaced_pod(name, "default")
    for name in ("polite", "stubborn"):
        kube_api.wait_for_pod_deleted(name)
    assert kube_api.pod_logs("polite", "base") == "ready\ngot SIGTERM\n"
    assert kube_api.pod_logs("stubborn", "base") == "ready\nignoring SIGTERM\n"


def test_follow_logs_of_a_running_process(kube_api, api, tmp_path):
    go = tmp_path / "go"
    code = (
        "import os, time\n"
        "print('waiting', flush=True)\n"
        f"while not os.path.exists('{go}'): time.sleep(0.01)\n"
        "print('finished', flush=True)\n"
    )
    api.create_namespaced_pod("default", pod_body("follow", containers=[_container("base", code)]))
    kube_api.wait_for_pod("follow", phase="Running")
    response = api.read_namespaced_pod_log("follow", "default", follow=True, _preload_content=False)
    lines = []
    for raw in response:
        lines.append(raw.decode())
        if lines[-1] == "waiting\n":
            go.write_text("go")
    assert lines == ["waiting\n", "finished\n"]


def test_unsupported_volume_fails_the_pod_with_an_event(kube_api, api, tmp_path):
    body = pod_body(
        "nfs",
        volumes=[{"name": "archive", "nfs": {"server": "nfs.example.org", "path": "/exports"}}],
        containers=[
            _container(
                "base", "print(1)", volumeMounts=[{"name": "archive", "mountPath": str(tmp_path / "a")}]
            )
        ],
    )
    api.create_namespaced_pod("default", body)
    pod = kube_api.wait_for_pod("nfs", phase="Failed")
    assert pod["status"]["reason"] == "UnsupportedVolume"
    assert "containerStatuses" not in pod["status"]
    event = next(e for e in kube_api.events(pod="nfs") if e["reason"] == "UnsupportedVolume")
    assert event["type"] == "Warning" and 'volume "archive" of type "nfs"' in event["message"]


def test_volume_dirs_stand_in_for_unsupported_volumes(kube_api, api, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    (share / "in.csv").write_text("a,b\n")
    kube_api.set_scenario(Process(volume_dirs={"smb": str(share)}))
    mount_path = tmp_path / "mnt" / "in"
    body = pod_body(
        "smb",
        volumes=[
            {
                "name": "smb",
                "csi": {"driver": "smb.csi.k8s.io", "volumeAttributes": {"source": "//srv/share"}},
            }
        ],
        containers=[
            _container(
                "base",
                f"print(open('{mount_path}/in.csv').read(), end='')",
                volumeMounts=[{"name": "smb", "mountPath": str(mount_path)}],
            )
        ],
    )
    api.create_namespaced_pod("default", body)
    kube_api.wait_for_pod("smb", phase="Succeeded")
    assert kube_api.pod_logs("smb", "base") == "a,b\n"


def test_mount_path_outside_temp_is_refused(kube_api, api):
    body = pod_body(
        "outside",
        volumes=[{"name": "ws", "emptyDir": {}}],
        containers=[_container("base", "print(1)", volumeMounts=[{"name": "ws", "mountPath": "/workspace"}])],
    )
    api.create_namespaced_pod("default", body)
    pod = kube_api.wait_for_pod("outside", phase="Failed")
    assert pod["status"]["reason"] == "UnsupportedMountPath"
    assert not os.path.exists("/workspace")


def test_missing_secret_in_process_mode_is_create_container_config_error(kube_api, api):
    env = [{"name": "P", "valueFrom": {"secretKeyRef": {"name": "nope", "key": "k"}}}]
    api.create_namespaced_pod(
        "default", pod_body("cfgerr", containers=[_container("base", "print(1)", env=env)])
    )
    pod = kube_api.wait_for_pod(
        "cfgerr",
        predicate=lambda p: "CreateContainerConfigError" in json.dumps(p["status"].get("containerStatuses")),
    )
    assert pod["status"]["phase"] == "Pending"


def test_uses_this_hosts_python(kube_api, api):
    container = {
        "name": "base",
        "image": "python:3.12",
        "command": [sys.executable, "-c", "import sys; print(sys.version_info[0])"],
    }
    api.create_namespaced_pod("default", pod_body("host-python", containers=[container]))
    kube_api.wait_for_pod("host-python", phase="Succeeded")
    assert kube_api.pod_logs("host-python", "base") == "3\n"
