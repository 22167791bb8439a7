"""Every pod the Kubernetes operator builds is valid against the official Kubernetes schema.

The pods are the operator's real output (``build_pod_request_obj`` after ``prepare_pod``),
serialised exactly as the ``kubernetes`` client sends them.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import kubernetes_validate
import pendulum
import pytest
from kubernetes.client import ApiClient

from airflow_jobs_provider.artifacts.reference import ArtifactRef, AssetInfo, ResolvedArtifact
from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from airflow_jobs_provider.operators.pod_options import (
    ConfigFile,
    JobResources,
    NfsMount,
    PvcMount,
    SmbMount,
)
from airflow_jobs_provider.runner.plan import AssetToFetch, FetchPlan

HOSTILE_ARGS = [
    "plain",
    "with space",
    "quote ' and \"",
    "$(touch /tmp/pwned)",
    "`id`",
    "{{ ds }}",
    "{% raw %}",
    "line\nbreak",
    "ünïcødé ✓",
    "x" * 5000,
]
KUBERNETES_VERSIONS = ["1.29.0", kubernetes_validate.latest_version()]

CASES = {
    "minimal": {},
    "everything": {
        "runner_image": "registry.example.org/talend-runner:17.0.1",
        "job_args": HOSTILE_ARGS,
        "job_env": {"REGION": "north", "QUOTED": "a'b\"c", "TEMPLATE": "{{ var.value.secret }}"},
        "resources": JobResources(
            cpu_request="500m", memory_request="1Gi", cpu_limit="2", memory_limit="4Gi"
        ),
        "mounts": [
            SmbMount(
                source="//files.example.org/data/in", mount_path="/mnt/in", credentials_secret="smb-creds"
            ),
            PvcMount(claim_name="scratch", mount_path="/scratch", sub_path="jobs/a", read_only=True),
            NfsMount(
                server="nfs.example.org", path="/exports/archive", mount_path="/archive", read_only=True
            ),
        ],
        "config_files": [
            ConfigFile(file_name="app.properties", source_name="job-config", key="app.properties"),
            ConfigFile(file_name="db.password", source_name="job-secrets", key="db", source_kind="secret"),
        ],
        "use_proxy": True,
        "deployment_name": "customer-sync-2-0-1",
    },
    "local_source": {"artifact_source": "local"},
}


@pytest.fixture(autouse=True)
def pod_config(monkeypatch):
    settings = {
        "NAMESPACE": "data-jobs",
        "SERVICE_ACCOUNT": "job-runner",
        "IMAGE_PULL_SECRETS": "regcred, other-cred",
        "HTTP_PROXY": "http://proxy.example.org:3128",
        "HTTPS_PROXY": "http://proxy.example.org:3128",
        "NO_PROXY": "localhost,.svc",
        "NEXUS_CREDENTIALS_SECRET": "nexus-credentials",
    }
    for option, value in settings.items():
        monkeypatch.setenv(f"AIRFLOW__JOB_ORCHESTRATOR__{option}", value)


def _context():
    ti = SimpleNamespace(dag_id="jobs_customer_sync", task_id="run", run_id="manual__2024", try_number=1)
    return {
        "ti": SimpleNamespace(**vars(ti), map_index=-1),
        "run_id": ti.run_id,
        "dag": SimpleNamespace(dag_id=ti.dag_id),
        "logical_date": pendulum.datetime(2024, 5, 1, tz="UTC"),
    }


def build_pod(case: dict, **plan_options: object) -> dict:
    """The pod the operator builds for ``case``; ``plan_options`` go into its fetch plan."""
    options = dict(case)
    source = options.pop("artifact_source", "nexus")
    ref = ArtifactRef(repository="talend", group="org.example.jobs", name="customer-sync", source=source)
    operator = NexusKubernetesOperator(task_id="run", artifact=ref, **options)
    asset = AssetInfo(
        path="org/example/jobs/customer-sync/2.0.1/customer-sync-2.0.1.zip",
        download_url="https://nexus.example.org/repository/talend/org/example/jobs/customer-sync-2.0.1.zip",
        sha256="a" * 64,
    )
    resolved = ResolvedArtifact(ref=ref, version="2.0.1", assets=(asset,))
    plan = FetchPlan(
        assets=[AssetToFetch(url=asset.download_url, file_name=asset.file_name, sha256=asset.sha256)],
        **plan_options,
    )
    operator.prepare_pod(resolved, plan, _context())
    pod = operator.build_pod_request_obj(_context(), dry_run=True)
    return ApiClient().sanitize_for_serialization(pod)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_pod_is_valid_against_the_kubernetes_schema(case, version):
    pod = build_pod(CASES[case])
    kubernetes_validate.validate(pod, version, strict=True)


def test_schema_validation_catches_a_broken_pod():
    pod = build_pod(CASES["minimal"])
    pod["spec"]["containers"][0]["volumeMounts"][0]["mountPath"] = 42
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(pod, KUBERNETES_VERSIONS[-1], strict=True)


def _containers(pod: dict) -> tuple[dict, dict]:
    (init,) = pod["spec"]["initContainers"]
    (main,) = pod["spec"]["containers"]
    return init, main


def test_job_arguments_reach_the_container_unchanged():
    pod = build_pod(CASES["everything"])
    _, main = _containers(pod)
    # "$$" is how a pod spec writes "$", or the kubelet expands "$(NAME)" with the container's
    # variables; the end-to-end test checks that the job receives the arguments as given.
    assert main["args"] == [arg.replace("$", "$$") for arg in HOSTILE_ARGS]
    assert main["command"][-1] == "--"
    assert main["image"] == "registry.example.org/talend-runner:17.0.1"


def test_credentials_are_referenced_never_inlined():
    pod = build_pod(CASES["everything"])
    init, main = _containers(pod)
    by_name = {item["name"]: item for item in init["env"]}
    for name, key in (("JOB_RUNNER_USERNAME", "username"), ("JOB_RUNNER_PASSWORD", "password")):
        assert "value" not in by_name[name]
        assert by_name[name]["valueFrom"]["secretKeyRef"] == {"name": "nexus-credentials", "key": key}
    assert all(not item["name"].startswith("JOB_RUNNER_USER") for item in main["env"])
    assert all(not item["name"].startswith("JOB_RUNNER_PASS") for item in main["env"])


def test_local_source_pods_get_no_nexus_credentials():
    init, _ = _containers(build_pod(CASES["local_source"]))
    assert {item["name"] for item in init["env"]}.isdisjoint({"JOB_RUNNER_USERNAME", "JOB_RUNNER_PASSWORD"})


def test_pod_carries_configured_placement_labels_and_resources():
    pod = build_pod(CASES["everything"])
    spec = pod["spec"]
    assert pod["metadata"]["namespace"] == "data-jobs"
    assert spec["serviceAccountName"] == "job-runner"
    assert [secret["name"] for secret in spec["imagePullSecrets"]] == ["regcred", "other-cred"]
    labels = pod["metadata"]["labels"]
    assert labels["app.kubernetes.io/managed-by"] == "airflow-jobs-provider"
    assert labels["job-orchestrator/deployment"] == "customer-sync-2-0-1"
    assert labels["job-orchestrator/artifact-version"] == "2.0.1"
    _, main = _containers(pod)
    assert main["resources"] == {
        "requests": {"cpu": "500m", "memory": "1Gi"},
        "limits": {"cpu": "2", "memory": "4Gi"},
    }


def test_default_resources_come_from_config(monkeypatch):
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__DEFAULT_MEMORY_LIMIT", "3Gi")
    _, main = _containers(build_pod(CASES["minimal"]))
    assert main["resources"]["limits"]["memory"] == "3Gi"
    assert main["resources"]["requests"] == {"cpu": "250m", "memory": "256Mi"}


def test_mounts_become_the_documented_volume_sources():
    pod = build_pod(CASES["everything"])
    volumes = {volume["name"]: volume for volume in pod["spec"]["volumes"]}
    smb = volumes["job-mount-1"]["csi"]
    assert smb["driver"] == "smb.csi.k8s.io"
    assert smb["volumeAttributes"]["source"] == "//files.example.org/data/in"
    assert smb["volumeAttributes"]["secretName"] == "smb-creds"
    assert volumes["job-mount-2"]["persistentVolumeClaim"] == {"claimName": "scratch", "readOnly": True}
    assert volumes["job-mount-3"]["nfs"]["server"] == "nfs.example.org"
    sources = volumes["job-config"]["projected"]["sources"]
    assert sources[0]["configMap"]["name"] == "job-config"
    assert sources[1]["secret"]["items"] == [{"key": "db", "path": "db.password"}]
    _, main = _containers(pod)
    mounts = {mount["mountPath"]: mount for mount in main["volumeMounts"]}
    assert mounts["/scratch"]["subPath"] == "jobs/a"
    env = {item["name"]: item.get("value") for item in main["env"]}
    assert env["JOB_CONFIG_DIR"] == "/etc/job-config"
    assert env["HTTPS_PROXY"] == env["https_proxy"] == "http://proxy.example.org:3128"
    assert env["TEMPLATE"] == "{{ var.value.secret }}"
    assert env["JOB_ARTIFACT_VERSION"] == "2.0.1"


def test_init_container_carries_the_plan_as_data():
    init, _ = _containers(build_pod(CASES["everything"]))
    plan_json = init["command"][init["command"].index("--plan") + 1]
    plan = FetchPlan.from_json(plan_json)
    assert plan.assets[0].file_name == "customer-sync-2.0.1.zip"
    assert plan.assets[0].sha256 == "a" * 64
    assert json.loads(plan_json)["verify_tls"] is True
