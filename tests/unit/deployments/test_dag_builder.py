"""A deployment becomes a DAG with one task, ``run``, that carries the spec's values and nothing else."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import kubernetes_validate
import pytest
from airflow.sdk.definitions.timetables.trigger import CronTriggerTimetable
from markdown_it import MarkdownIt

from airflow_jobs_provider.deployments.dag_builder import (
    ORCHESTRATOR_TAG,
    build_dag,
    dag_arguments,
    preview_pod,
)
from airflow_jobs_provider.deployments.doc_md import FOOTER
from airflow_jobs_provider.deployments.pod_preview import UNRESOLVED_ANNOTATION, UNRESOLVED_VERSION
from airflow_jobs_provider.notifications import FailureEmailNotifier, WebhookNotifier
from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from airflow_jobs_provider.operators.local import NexusLocalOperator
from airflow_jobs_provider.operators.pod_options import InlineConfigFile
from examples.seed import GROUP, REPOSITORY, seed
from tests.unit.deployments.conftest import POLICY, RUNNER_IMAGE
from tests.unit.deployments.deployed import DEPLOYED_AT, deployed

SECRET_CONTENT = "db-password-4711"  # a test value that must never show
CONFIG_FILES = [
    {"file_name": "app.ini", "content": "[app]\nregion = north\n"},
    {"file_name": "db.password", "secret": True, "content": SECRET_CONTENT},
]
MOUNTS = [
    {"type": "smb", "endpoint": "research", "sub_path": "in", "mount_path": "/mnt/in", "read_only": True},
    {"type": "pvc", "claim_name": "scratch", "mount_path": "/scratch"},
]
# Text Markdown, HTML, Jinja or a shell would read as something else.
HOSTILE_TEXT = (
    "# not a heading\n    not code\n1. not a list\n"
    "<script>alert(1)</script> <b>bold</b> &amp; [link](javascript:alert(1)) ![x](http://x/y.png)\n"
    "*em* _em_ `code` {{ ds }} {% raw %} $(id) \\ | a | b |\u2028after a line separator"
)


@pytest.fixture(autouse=True)
def pod_config(monkeypatch, tmp_path):
    """The admin's configuration: what the preview and the operators read when there is no policy given."""
    catalog = {
        name: endpoint.model_dump(exclude_none=True) for name, endpoint in POLICY.smb_endpoints.items()
    }
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__SMB_ENDPOINTS", json.dumps(catalog))
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__NAMESPACE", "data-jobs")
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT", str(tmp_path / "artifacts"))


def test_the_dag_carries_the_deployment():
    stored = deployed(
        description="Syncs customers",
        owner="data-office",
        tags=["crm", ORCHESTRATOR_TAG, "nightly"],
        schedule="0 3 * * *",
        timezone="Europe/Berlin",
        max_active_runs=2,
    )
    dag = build_dag(stored)
    assert dag.dag_id == "job_customer-sync-2-0-1"
    assert dag.task_ids == ["run"]
    assert dag.tags == {"job-orchestrator", "crm", "nightly"}
    assert dag_arguments(stored)["tags"] == ["job-orchestrator", "crm", "nightly"]
    assert dag.owner == "data-office"
    assert dag.description == "Syncs customers"
    assert (dag.max_active_runs, dag.catchup, dag.is_paused_upon_creation) == (2, False, False)
    assert dag.timetable == CronTriggerTimetable("0 3 * * *", timezone=dag.timezone)
    assert dag.timezone.name == "Europe/Berlin"
    # The first run is the first 3:00 after the deploy, in Berlin, not one from before it.
    assert dag.start_date == DEPLOYED_AT


def test_a_one_off_deployment_has_no_schedule():
    dag = build_dag(deployed())
    assert dag.timetable.__class__.__name__ == "NullTimetable"
    assert dag.description is None


def test_retries_and_timeouts_reach_the_task():
    task = build_dag(deployed(retries=2, retry_delay_seconds=60, execution_timeout_minutes=90)).get_task(
        "run"
    )
    assert (task.retries, task.retry_delay, task.execution_timeout) == (
        2,
        timedelta(seconds=60),
        timedelta(minutes=90),
    )
    default = build_dag(deployed()).get_task("run")
    assert (default.retries, default.retry_delay, default.execution_timeout) == (
        0,
        timedelta(minutes=5),
        None,
    )


def test_the_kubernetes_executor_gets_the_pod_operator_with_every_value():
    stored = deployed(
        args=["--region", "north", "quote ' \" {{ ds }}"],
        env={"REGION": "north", "TEMPLATE": "{{ var.value.secret }}"},
        resources={"cpu_limit": "1", "memory_limit": "1Gi"},
        mounts=MOUNTS,
        proxy=True,
        config_files=CONFIG_FILES,
    )
    task = build_dag(stored, smb_endpoints=POLICY.smb_endpoints).get_task("run")
    assert isinstance(task, NexusKubernetesOperator)
    assert task.image == RUNNER_IMAGE
    assert task.arguments == ["--region", "north", "quote ' \" {{ ds }}"]
    assert task.job_env == {"REGION": "north", "TEMPLATE": "{{ var.value.secret }}"}
    assert task.artifact == stored.spec.artifact.to_ref()
    assert task.container_resources.limits == {"cpu": "1", "memory": "1Gi"}
    assert task.use_proxy is True
    assert task.deployment_name == "customer-sync-2-0-1"
    volumes = {volume.name: volume for volume in task.volumes}
    smb = volumes["job-mount-1"].csi.volume_attributes
    assert (smb["source"], smb["secretName"]) == ("//files.example.org/research/in", "smb-research")
    assert volumes["job-mount-2"].persistent_volume_claim.claim_name == "scratch"
    assert task.config_files == (
        InlineConfigFile(file_name="app.ini", content="[app]\nregion = north\n"),
        InlineConfigFile(
            file_name="db.password", variable_key="job_orchestrator.secret.customer-sync-2-0-1_db.password"
        ),
    )
    assert SECRET_CONTENT not in repr(vars(task))


def test_the_local_executor_gets_the_local_operator():
    stored = deployed(
        executor="local", runner_image=None, args=["a b"], env={"A": "1"}, config_files=CONFIG_FILES
    )
    task = build_dag(stored).get_task("run")
    assert isinstance(task, NexusLocalOperator)
    assert (task.job_args, task.job_env) == (["a b"], {"A": "1"})
    assert [item.variable_key for item in task.config_files] == [
        None,
        "job_orchestrator.secret.customer-sync-2-0-1_db.password",
    ]


def test_failure_notifications_are_wired_as_notifiers():
    emails = ["ops@example.org", "{{7*7}}@example.org"]
    conn_id = "data_office_chat"
    task = build_dag(deployed(notify={"emails": emails, "webhook_conn_id": conn_id})).get_task("run")
    email, webhook = task.on_failure_callback
    assert isinstance(email, FailureEmailNotifier) and email.to == emails
    assert isinstance(webhook, WebhookNotifier) and webhook.conn_id == conn_id
    (only_webhook,) = (
        build_dag(deployed(notify={"webhook_conn_id": conn_id})).get_task("run").on_failure_callback
    )
    assert isinstance(only_webhook, WebhookNotifier)
    assert build_dag(deployed()).get_task("run").on_failure_callback == []


def _rendered_text(markdown: str) -> tuple[str, str]:
    """The HTML CommonMark makes (raw HTML allowed, the worst case), and its visible text."""
    rendered = MarkdownIt("commonmark", {"html": True}).render(markdown)
    return rendered, html.unescape(re.sub(r"<[^>]+>", "", rendered))


def test_doc_md_describes_the_artifact_and_the_deploy():
    stored = deployed(
        artifact={
            "repository": "talend",
            "group": "org.example.jobs",
            "name": "customer_sync",
            "version": "2.0.1",
        },
        schedule="@daily",
    )
    doc = build_dag(stored).doc_md
    _, text = _rendered_text(doc)
    for expected in (
        "Repository: talend",
        "Group: org.example.jobs",
        "Name: customer_sync",
        "Version: 2.0.1",
        f"Runner image: {RUNNER_IMAGE}",
        "Schedule: @daily (UTC)",
        "Deployed by: ci-bot",
        "Deployed at: 2024-05-01T10:30:00+00:00",
        "Revision: 3",
    ):
        assert expected in text, expected
    # Airflow would read a doc_md ending in ".md" as a file path.
    assert doc.endswith(FOOTER)


def test_doc_md_shows_user_text_literally():
    stored = deployed(
        description=HOSTILE_TEXT,
        artifact={"repository": "talend", "group": "[x](javascript:alert(1))", "name": "<img src=x>"},
        deployed_by="<script>evil()</script> *admin*",
    )
    rendered, text = _rendered_text(build_dag(stored).doc_md)
    assert re.findall(r"<(\w+)", rendered) and set(re.findall(r"<(\w+)", rendered)) <= {
        "h3",
        "p",
        "br",
        "ul",
        "li",
        "strong",
        "em",
    }
    assert (
        "<a" not in rendered
        and "<img" not in rendered
        and "<script" not in rendered
        and "<code" not in rendered
    )
    for line in HOSTILE_TEXT.splitlines():
        assert line.strip() in text, line
    assert "Group: [x](javascript:alert(1))" in text
    assert "Name: <img src=x>" in text
    assert "Deployed by: <script>evil()</script> *admin*" in text


def test_the_pod_preview_is_the_operators_pod(tmp_path):
    seed(tmp_path / "artifacts")
    stored = deployed(
        artifact={"source": "local", "repository": REPOSITORY, "group": GROUP, "name": "hello-python"},
        mounts=MOUNTS,
        config_files=CONFIG_FILES,
        resources={"cpu_limit": "1", "memory_limit": "1Gi"},
    )
    pod = preview_pod(stored.spec)
    kubernetes_validate.validate(pod, kubernetes_validate.latest_version(), strict=True)
    assert pod["metadata"]["namespace"] == "data-jobs"
    assert pod["metadata"]["labels"]["job-orchestrator/artifact-version"] == "1.1.0"
    assert UNRESOLVED_ANNOTATION not in (pod["metadata"].get("annotations") or {})
    (init,) = pod["spec"]["initContainers"]
    plan = json.loads(init["command"][init["command"].index("--plan") + 1])
    assert [asset["file_name"] for asset in plan["assets"]] == ["hello.py"]
    (main,) = pod["spec"]["containers"]
    assert {"name": "JOB_CONFIG_DIR", "value": "/etc/job-config"} in main["env"]
    config = next(volume for volume in pod["spec"]["volumes"] if volume["name"] == "job-config")
    (source,) = config["projected"]["sources"]
    assert source["secret"] == {
        "name": f"{pod['metadata']['name']}-config-files",
        "items": [{"key": "app.ini", "path": "app.ini"}, {"key": "db.password", "path": "db.password"}],
    }
    text = json.dumps(pod)
    assert "region = north" not in text and SECRET_CONTENT not in text


def test_the_pod_preview_says_when_the_artifact_cannot_be_resolved():
    stored = deployed(artifact={"source": "local", "repository": "nowhere", "name": "missing"})
    pod = preview_pod(stored.spec)
    assert "artifact not resolved" in pod["metadata"]["annotations"][UNRESOLVED_ANNOTATION]
    (main,) = pod["spec"]["containers"]
    assert {"name": "JOB_ARTIFACT_VERSION", "value": UNRESOLVED_VERSION} in main["env"]
    kubernetes_validate.validate(pod, kubernetes_validate.latest_version(), strict=True)


def test_a_local_deployment_has_no_pod_to_preview():
    with pytest.raises(ValueError, match="runs on the Airflow worker"):
        preview_pod(deployed(executor="local", runner_image=None).spec)


def test_resources_left_to_the_defaults_take_the_configured_ones(monkeypatch):
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__DEFAULT_MEMORY_LIMIT", "3Gi")
    task = build_dag(deployed()).get_task("run")
    assert task.container_resources.limits == {"cpu": "2", "memory": "3Gi"}
