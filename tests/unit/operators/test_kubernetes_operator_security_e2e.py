"""Job pods in a namespace that enforces Pod Security `restricted`, downloading over private TLS.

One child Airflow process runs a DAG against the fake API server (whose namespaces enforce their
``pod-security.kubernetes.io/enforce`` label as Pod Security Admission does) and a FakeNexus
behind a private CA:

- the default pod is admitted in the `restricted` namespace, its init container trusts the CA
  bundle mounted from the configured ConfigMap (the connection's ``ca_bundle`` is a worker
  file), and the job's PYTHONPATH reaches the job but not the runner that starts it;
- a runner image the admin lets run as root is refused there (403, PSA's words in the task's
  failure reason) and admitted in a `baseline` namespace.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from airflow_jobs_provider.runner.plan import FetchPlan
from tests.certificates import CertificateAuthority
from tests.dag_run_process import DagRun, run_dag_process
from tests.fakes.kubernetes_api import FakeKubernetes, Process, Scripted
from tests.fakes.nexus import FakeNexus
from tests.unit.operators.e2e_jobs import QUICK_POD_TIMEOUTS, argv_job, reported

REPOSITORY = "jobs"
GROUP = "org.example.jobs"
NEXUS_USER = "ci-reader"
NEXUS_PASSWORD = "nx-Pa55-w0rd-4711"
CREDENTIALS_SECRET = "nexus-reader"
CA_CONFIGMAP = "corporate-ca"
RESTRICTED = "restricted-jobs"
BASELINE = "baseline-jobs"
ROOT_IMAGE = "registry.example.org/root-runner:1.0"

# Loaded by every Python that honours PYTHONPATH: says which program it was loaded into.
SITECUSTOMIZE = 'import json, sys\nprint("SITECUSTOMIZE " + json.dumps(sys.orig_argv), flush=True)\n'

DAG_FILE = """
import json
import os

import pendulum
from airflow.sdk import DAG

from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator

params = json.loads(os.environ["NKX_PARAMS"])


def job(task_id, namespace, **options):
    return NexusKubernetesOperator(
        task_id=task_id,
        artifact={"repository": params["repository"], "group": params["group"], "name": "argv-job", "version": "1.2.0"},
        namespace=namespace,
        workspace_path=os.path.join(params["workspaces"], task_id),
        ca_bundle_dir=os.path.join(params["workspaces"], task_id + "-ca"),
        **{**params["pod_timeouts"], **options},
    )


with DAG("nexus_kpo_security", schedule=None, start_date=pendulum.datetime(2024, 1, 1), catchup=False) as dag:
    job("restricted_job", params["restricted"], job_env={"PYTHONPATH": params["site_dir"]})
    job("root_job_refused", params["restricted"], runner_image=params["root_image"])
    job("root_job_baseline", params["baseline"], runner_image=params["root_image"])
"""


@dataclass
class Outcome:
    run: DagRun
    kube: FakeKubernetes
    nexus: FakeNexus
    workspaces: Path

    def created_pods(self, task_id: str) -> list[dict]:
        """Pods the fake admitted (stored) for this task: refused ones never were."""
        return [
            request.body
            for request in self.kube.requests_to("POST", r"/pods$")
            if request.status == 201 and request.body["metadata"]["labels"].get("task_id") == task_id
        ]


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    root = tmp_path_factory.mktemp("nexus-kpo-security")
    site_dir = root / "site"
    site_dir.mkdir()
    (site_dir / "sitecustomize.py").write_text(SITECUSTOMIZE)
    authority = CertificateAuthority.create("Test Corp CA")
    ca_pem, cert, key = authority.write_cert(root / "ca.pem"), root / "nexus.pem", root / "nexus.key"
    authority.issue(["127.0.0.1"], cert, key)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    nexus = FakeNexus(users={NEXUS_USER: NEXUS_PASSWORD}, anonymous=False, ssl_context=context).start()
    kube = FakeKubernetes().start()
    try:
        nexus.add_repository(REPOSITORY)
        nexus.add_component(REPOSITORY, GROUP, "argv-job", "1.2.0", {"argv-job-1.2.0.py": argv_job("1.2.0")})
        kube.add_scenario(Process(), selector="task_id=restricted_job")
        kube.set_scenario(Scripted())
        for namespace, level in ((RESTRICTED, "restricted"), (BASELINE, "baseline")):
            kube.create_namespace(namespace, {"pod-security.kubernetes.io/enforce": level})
            kube.create_secret(
                CREDENTIALS_SECRET, {"username": NEXUS_USER, "password": NEXUS_PASSWORD}, namespace=namespace
            )
            kube.create_config_map(CA_CONFIGMAP, {"ca.crt": ca_pem.read_text()}, namespace=namespace)
        connection = {
            "conn_type": "nexus",
            "host": nexus.base_url,
            "login": NEXUS_USER,
            "password": NEXUS_PASSWORD,
            "extra": {"ca_bundle": str(ca_pem)},
        }
        env = {
            "AIRFLOW_CONN_NEXUS_DEFAULT": json.dumps(connection),
            "AIRFLOW__JOB_ORCHESTRATOR__NEXUS_CREDENTIALS_SECRET": CREDENTIALS_SECRET,
            "AIRFLOW__JOB_ORCHESTRATOR__POD_CA_BUNDLE_CONFIGMAP": CA_CONFIGMAP,
            # allowed for jobs by the admin: it must still not change the runner
            "AIRFLOW__JOB_ORCHESTRATOR__ALLOWED_LOADER_ENV": "PYTHONPATH",
            "AIRFLOW__JOB_ORCHESTRATOR__POD_SECURITY_RELAXATIONS": json.dumps(
                {"registry.example.org/root-runner:*": ["run_as_root", "default_capabilities"]}
            ),
            "NKX_PARAMS": json.dumps(
                {
                    "repository": REPOSITORY,
                    "group": GROUP,
                    "workspaces": str(root / "workspaces"),
                    "site_dir": str(site_dir),
                    "restricted": RESTRICTED,
                    "baseline": BASELINE,
                    "root_image": ROOT_IMAGE,
                    "pod_timeouts": QUICK_POD_TIMEOUTS,
                }
            ),
            **kube.airflow_connection_env(),
        }
        run = run_dag_process(DAG_FILE, root=root, env=env)
        assert not kube.errors, kube.errors
        yield Outcome(run, kube, nexus, root / "workspaces")
    finally:
        kube.stop()
        nexus.stop()


def test_the_default_pod_is_admitted_where_restricted_is_enforced(outcome):
    log = outcome.run.succeeded("restricted_job")
    assert "argv-job 1.2.0 says hello" in log
    (pod,) = outcome.created_pods("restricted_job")
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True


def test_the_init_container_trusts_the_ca_bundle_mounted_from_the_configmap(outcome):
    log = outcome.run.succeeded("restricted_job")
    assert "[fetch-artifact] [job-runner] argv-job-1.2.0.py: sha256 verified" in log
    downloads = [r for r in outcome.nexus.requests if r.path.endswith("/argv-job-1.2.0.py")]
    assert [(r.user, r.status) for r in downloads] == [(NEXUS_USER, 200)]
    (pod,) = outcome.created_pods("restricted_job")
    volumes = {volume["name"]: volume for volume in pod["spec"]["volumes"]}
    assert volumes["job-ca-bundle"]["configMap"]["name"] == CA_CONFIGMAP
    # the runner read the CA from the ConfigMap's volume, not from the worker's file
    (init,) = pod["spec"]["initContainers"]
    plan = FetchPlan.from_json(init["command"][init["command"].index("--plan") + 1])
    assert plan.ca_bundle == str(outcome.workspaces / "restricted_job-ca" / "ca.crt")


def test_the_job_environment_reaches_the_job_and_not_the_runner(outcome):
    loaded_into = reported(outcome.run.succeeded("restricted_job"), "SITECUSTOMIZE")
    assert loaded_into, "the job's PYTHONPATH did not reach the job"
    assert all(argv[-1].endswith("argv-job-1.2.0.py") for argv in loaded_into), loaded_into


def test_a_root_image_is_refused_in_words_where_restricted_is_enforced(outcome):
    log = outcome.run.failed("root_job_refused")
    reason = outcome.run.xcom("root_job_refused", "failure_reason")
    assert reason == (
        f'Kubernetes refused the pod in namespace {RESTRICTED!r}: violates PodSecurity "restricted:latest": '
        'unrestricted capabilities (container "base" must set securityContext.capabilities.drop=["ALL"]), '
        'runAsNonRoot != true (container "base" must not set securityContext.runAsNonRoot=false), '
        'runAsUser=0 (container "base" must not set runAsUser=0)'
    )
    assert reason in log
    assert outcome.created_pods("root_job_refused") == []


def test_a_root_image_runs_where_baseline_is_enforced(outcome):
    outcome.run.succeeded("root_job_baseline")
    (pod,) = outcome.created_pods("root_job_baseline")
    assert pod["spec"]["containers"][0]["securityContext"]["runAsUser"] == 0
