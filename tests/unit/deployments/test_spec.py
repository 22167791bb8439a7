"""Every rule of the spec, each failing with a message led by the field's path."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError

from airflow_jobs_provider.artifacts.reference import ArtifactRef
from airflow_jobs_provider.deployments.messages import error_messages
from airflow_jobs_provider.deployments.policy import DeploymentPolicy
from airflow_jobs_provider.deployments.spec import DeploymentSpec, validate_spec
from airflow_jobs_provider.operators.pod_options import JobResources, NfsMount, PvcMount, SmbMount
from tests.unit.deployments.conftest import POLICY, RUNNER_IMAGE, VALID_SPEC

Errors = Callable[[dict[str, Any]], list[str]]

SMB = {"type": "smb", "endpoint": "research", "sub_path": "reports", "mount_path": "/data"}


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change to a spec: ``artifact.version`` → value."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = data
        for key in parents:
            target = target.setdefault(key, {})
        target[last] = value

    return change


def _local(**fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data.pop("runner_image")
        data.update(executor="local", **fields)

    return change


RULES: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (_set("name", "Customer_Sync"), "name: must be a DNS-1123 label of at most 40 characters"),
    (_set("name", "a" * 41), "name: must be a DNS-1123 label"),
    (_set("name", "../../etc/passwd"), "name: must be a DNS-1123 label"),
    (_set("colour", "blue"), "colour: Extra inputs are not permitted"),
    (_set("description", "a\x00b"), "description: must not contain a NUL character"),
    (_set("description", "x" * 4001), "description: String should have at most 4000 characters"),
    (_set("owner", ""), "owner: String should have at least 1 character"),
    (_set("owner", "alice\nbob"), "owner: must be one line"),
    (_set("owner", "alice\u202e"), "owner: must be one line"),
    (_set("owner", " alice"), "owner: must not start or end with blanks"),
    (_set("tags", ["etl", "etl"]), "tags: tag 'etl' is used twice"),
    (_set("tags", ["bad;tag"]), "tags[0]: 'bad;tag' is not a tag"),
    (_set("tags", ["trailing "]), "tags[0]: 'trailing ' is not a tag"),
    (_set("tags", [f"t{i}" for i in range(11)]), "tags: List should have at most 10 items"),
    (_set("artifact.source", "s3"), "artifact.source: Input should be 'nexus' or 'local'"),
    (_set("artifact.repository", "../x"), "artifact.repository: '../x' is not a repository name"),
    (_set("artifact.repository", ""), "artifact.repository: '' is not a repository name"),
    (_set("artifact.group", "org/../etc"), "artifact.group: 'org/../etc' must not contain"),
    (_set("artifact.name", ""), "artifact.name: String should have at least 1 character"),
    (_set("artifact.name", "a\\b"), "artifact.name: 'a\\\\b' must not contain '\\'"),
    (_set("artifact.name", "job\nx"), "artifact.name: must be one line"),
    (_set("artifact.version", "1.0/x"), "artifact.version: '1.0/x' is not a version"),
    (_set("artifact.version", ".."), "artifact.version: '..' must not contain"),
    (_set("artifact.assets", ["../run.sh"]), "artifact.assets[0]: '../run.sh' must not contain"),
    (_set("artifact.assets", ["a"] * 21), "artifact.assets: List should have at most 20 items"),
    (_set("artifact.colour", "x"), "artifact.colour: Extra inputs are not permitted"),
    (_set("executor", "docker"), "executor: Input should be 'kubernetes' or 'local'"),
    (
        _set("runner_image", "python:3.11"),
        "runner_image: 'python:3.11' is not in the runner catalog (python:3.12-slim, registry",
    ),
    (_set("runner_image", "Python 3"), "runner_image: 'Python 3' is not an image reference"),
    (lambda data: data.pop("runner_image"), "runner_image: the kubernetes executor needs an image"),
    (_set("args", "--all --now"), "args: Input should be a valid list"),
    (_set("args", ["ok", "a\x00b"]), "args[1]: must not contain a NUL character"),
    (_set("args", [1]), "args[0]: Input should be a valid string"),
    (_set("args", ["x" * 8193]), "args[0]: String should have at most 8192 characters"),
    (_set("args", ["x"] * 129), "args: List should have at most 128 items"),
    (_set("env", {"1BAD": "x"}), "env.1BAD: environment variable name '1BAD' is not valid"),
    (
        _set("env", {"AIRFLOW__CORE__FERNET_KEY": "x"}),
        "env.AIRFLOW__CORE__FERNET_KEY: environment variable 'AIRFLOW__CORE__FERNET_KEY' is reserved",
    ),
    (
        _set("env", {"JOB_RUN_ID": "x"}),
        "env.JOB_RUN_ID: environment variable 'JOB_RUN_ID' is set by the orchestrator",
    ),
    (
        _set("env", {"OK": "x", "PYTHONPATH": "/data/lib"}),
        "env.PYTHONPATH: environment variable 'PYTHONPATH' changes how a program loader",
    ),
    (_set("env", {"FOO\n": "1"}), "env['FOO\\n']: environment variable name 'FOO\\n' is not valid"),
    (_set("env", {"A": "a\x00"}), "env.A: must not contain a NUL character"),
    (_set("env", {"A": 1}), "env.A: Input should be a valid string"),
    (_set("env", {f"V{i}": "x" for i in range(129)}), "env: Dictionary should have at most 128 items"),
    (
        _set("config_files", [{"file_name": "a/b", "content": ""}]),
        "config_files[0].plain.file_name: 'a/b' must be a plain file name",
    ),
    (
        _set("config_files", [{"file_name": "..", "content": ""}]),
        "config_files[0].plain.file_name: '..' must be a plain",
    ),
    (_set("config_files", [{"file_name": "x" * 129, "content": ""}]), "config_files[0].plain.file_name:"),
    (_set("config_files", [{"file_name": "a.ini"}]), "config_files[0].plain.content: Field required"),
    (
        _set("config_files", [{"file_name": "a.ini", "content": "\x00"}]),
        "config_files[0].plain.content: must not contain a NUL",
    ),
    (
        _set("config_files", [{"file_name": "a.ini", "content": "", "mode": 600}]),
        "config_files[0].plain.mode: Extra inputs",
    ),
    (
        _set("config_files", [{"file_name": "a.ini", "secret": "yes", "content": ""}]),
        "config_files[0].plain.secret: Input should be a valid boolean",
    ),
    (
        _set("config_files", [{"file_name": "s", "secret": True, "content": "x" * (256 * 1024 + 1)}]),
        "config_files[0].secret.content: must be at most 262144 characters",
    ),
    (
        _set("config_files", [{"file_name": "a.ini", "content": ""}, {"file_name": "a.ini", "secret": True}]),
        "config_files: config file name 'a.ini' is used twice",
    ),
    (
        _set("config_files", [{"file_name": f"f{i}", "content": ""} for i in range(21)]),
        "config_files: List should have at most 20 items",
    ),
    (
        _set("mounts", [{**SMB, "endpoint": "nope"}]),
        "mounts[0].smb.endpoint: 'nope' is not an SMB endpoint of the catalog (archive, research)",
    ),
    (_set("mounts", [{**SMB, "sub_path": "../x"}]), "mounts[0].smb.sub_path: '../x' must be a relative path"),
    (_set("mounts", [{**SMB, "sub_path": "/abs"}]), "mounts[0].smb.sub_path: '/abs' must be a relative path"),
    (
        _set("mounts", [{**SMB, "sub_path": "a\\b"}]),
        "mounts[0].smb.sub_path: 'a\\\\b' must be a relative path",
    ),
    (
        _set("mounts", [{**SMB, "credentials_secret": "mine"}]),
        "mounts[0].smb.credentials_secret: Extra inputs are not permitted",
    ),
    (
        _set("mounts", [{**SMB, "mount_path": "data"}]),
        "mounts[0].smb.mount_path: 'data' must be an absolute path",
    ),
    (
        _set("mounts", [{**SMB, "mount_path": "/data/../etc"}]),
        "mounts[0].smb.mount_path: '/data/../etc' must be an absolute path",
    ),
    (
        _set("mounts", [{**SMB, "mount_path": "/data/"}]),
        "mounts[0].smb.mount_path: '/data/' must be an absolute path",
    ),
    (
        _set("mounts", [{**SMB, "mount_path": "//data"}]),
        "mounts[0].smb.mount_path: '//data' must be an absolute path",
    ),
    (
        _set("mounts", [{**SMB, "mount_path": "/workspace"}]),
        "mounts[0].smb.mount_path: '/workspace' overlaps /workspace",
    ),
    (
        _set("mounts", [{**SMB, "mount_path": "/workspace/in"}]),
        "mounts[0].smb.mount_path: '/workspace/in' overlaps /workspace",
    ),
    (
        _set("mounts", [{**SMB, "mount_path": "/etc"}]),
        "mounts[0].smb.mount_path: '/etc' overlaps /etc/job-config",
    ),
    (_set("mounts", [{**SMB, "mount_path": "/"}]), "mounts[0].smb.mount_path: '/' overlaps /workspace"),
    (_set("mounts", [SMB, {**SMB, "endpoint": "archive"}]), "mounts: mount path '/data' is used twice"),
    (
        _set("mounts", [{"type": "pvc", "claim_name": "Data_Claim", "mount_path": "/d"}]),
        "mounts[0].pvc.claim_name: 'Data_Claim' is not a Kubernetes object name",
    ),
    (
        _set("mounts", [{"type": "pvc", "claim_name": "c", "sub_path": "../x", "mount_path": "/d"}]),
        "mounts[0].pvc.sub_path: '../x' must be a relative path",
    ),
    (
        _set("mounts", [{"type": "pvc", "claim_name": "c", "mount_path": "/d", "read_only": "yes"}]),
        "mounts[0].pvc.read_only: Input should be a valid boolean",
    ),
    (
        _set("mounts", [{"type": "nfs", "server": "bad host", "path": "/x", "mount_path": "/d"}]),
        "mounts[0].nfs.server: 'bad host' is not a host name or IP address",
    ),
    (
        _set("mounts", [{"type": "nfs", "server": "nfs", "path": "x", "mount_path": "/d"}]),
        "mounts[0].nfs.path: 'x' must be an absolute path",
    ),
    (
        _set("mounts", [{"type": "s3", "mount_path": "/d"}]),
        "mounts[0]: Input tag 's3' found using 'type' does not match any of the expected tags",
    ),
    (_set("mounts", [{"mount_path": "/d"}]), "mounts[0]: Unable to extract tag using discriminator 'type'"),
    (_set("proxy", "yes"), "proxy: Input should be a valid boolean"),
    (_set("resources.cpu_limit", "2 cores"), "resources.cpu_limit: '2 cores' is not a CPU quantity"),
    (_set("resources.memory_request", "512m"), "resources.memory_request: '512m' is not a memory quantity"),
    (
        _set("resources", {"cpu_request": "3", "cpu_limit": "2"}),
        "resources: cpu_request 3 is more than cpu_limit 2",
    ),
    (
        _set("resources", {"cpu_request": "4"}),
        "resources: cpu_request 4 is more than cpu_limit 2 (the default)",
    ),
    (
        _set("resources", {"memory_limit": "200Mi"}),
        "resources: memory_request 256Mi (the default) is more than memory_limit 200Mi",
    ),
    (
        _set("resources", {"memory_limit": "32Gi"}),
        "resources: memory_limit 32Gi is more than the admin's ceiling of 16Gi",
    ),
    (
        _set("resources", {"cpu_limit": "8001m"}),
        "resources: cpu_limit 8001m is more than the admin's ceiling of 8",
    ),
    (_set("resources", {"gpu": "1"}), "resources.gpu: Extra inputs are not permitted"),
    (_set("schedule", "@once"), "schedule: @once is not offered: use 'none' and run it now"),
    (_set("schedule", "@continuous"), "schedule: @continuous is not offered"),
    (_set("schedule", "daily"), "schedule: 'daily' is not a schedule"),
    (_set("schedule", "61 * * * *"), "schedule: '61 * * * *' is not a schedule"),
    (_set("schedule", "0 3 * * * *"), "schedule: '0 3 * * * *' is not a schedule"),
    (_set("schedule", "0 0 31 2 *"), "schedule: '0 0 31 2 *' never fires"),
    (_set("schedule", None), "schedule: Input should be a valid string"),
    (_set("timezone", "Mars/Base"), "timezone: 'Mars/Base' is not an IANA time zone name"),
    (
        _set("timezone", "../../../etc/passwd"),
        "timezone: '../../../etc/passwd' is not an IANA time zone name",
    ),
    (_set("timezone", ""), "timezone: '' is not an IANA time zone name"),
    (_set("max_active_runs", 0), "max_active_runs: Input should be greater than or equal to 1"),
    (_set("max_active_runs", 17), "max_active_runs: Input should be less than or equal to 16"),
    (_set("max_active_runs", "2"), "max_active_runs: Input should be a valid integer"),
    (_set("retries", 11), "retries: Input should be less than or equal to 10"),
    (_set("retries", -1), "retries: Input should be greater than or equal to 0"),
    (_set("retry_delay_seconds", 86401), "retry_delay_seconds: Input should be less than or equal to 86400"),
    (
        _set("execution_timeout_minutes", 0),
        "execution_timeout_minutes: Input should be greater than or equal to 1",
    ),
    (
        _set("execution_timeout_minutes", 10081),
        "execution_timeout_minutes: Input should be less than or equal to 10080",
    ),
    (_set("notify.emails", ["not-an-email"]), "notify.emails[0]: 'not-an-email' is not an email address"),
    (_set("notify.emails", ["a@localhost"]), "notify.emails[0]: 'a@localhost' is not an email address"),
    (
        _set("notify.webhook_conn_id", "team hook"),
        "notify.webhook_conn_id: 'team hook' is not an Airflow connection id",
    ),
    (_set("notify.webhook_conn_id", ""), "notify.webhook_conn_id: '' is not an Airflow connection id"),
    (
        _set("notify.webhook_conn_id", "x" * 251),
        f"notify.webhook_conn_id: '{'x' * 251}' is not an Airflow connection id",
    ),
    (
        # A URL is refused: the webhook's URL, often with its token, belongs in a connection.
        _set("notify.webhook_url", "https://hooks.example.org/T000?token=abc"),
        "notify.webhook_url: Extra inputs are not permitted",
    ),
    (_local(runner_image=RUNNER_IMAGE), "runner_image: the local executor cannot use it"),
    (_local(mounts=[SMB]), "mounts: the local executor cannot use it"),
    (_local(resources={"cpu_limit": "1"}), "resources: the local executor cannot use it"),
    (_local(proxy=True), "proxy: the local executor cannot use it"),
]


@pytest.mark.parametrize(("change", "message"), RULES, ids=[message.split(":")[0] for _, message in RULES])
def test_each_rule_names_its_field(
    change: Callable[[dict[str, Any]], None], message: str, spec_data: dict[str, Any], errors_of: Errors
) -> None:
    change(spec_data)
    errors = errors_of(spec_data)
    assert any(line.startswith(message) for line in errors), errors


def test_a_full_spec(spec_data: dict[str, Any]) -> None:
    spec_data.update(
        description="Nightly customer sync.\nOwner: data office.",
        owner="data.office",
        tags=["etl", "talend", "team:data office"],
        artifact={
            "source": "local",
            "repository": "talend",
            "group": "/jobs/etl",
            "name": "customer_sync",
            "version": "latest",
            "assets": ["customer_sync_run.sh", "lib/*.jar"],
        },
        args=["--context_param", "region=north", "{{ ds }}", "$(rm -rf /)"],
        env={"REGION": "north", "job_mode": "full"},
        config_files=[
            {"file_name": "app.properties", "content": "a=1\n"},
            {"file_name": ".pgpass", "secret": True, "content": "db:5432:*:etl:hunter2"},
        ],
        mounts=[
            SMB,
            {"type": "smb", "endpoint": "archive", "mount_path": "/archive", "read_only": True},
            {
                "type": "pvc",
                "claim_name": "shared-data",
                "sub_path": "jobs/customer",
                "mount_path": "/shared",
            },
            {
                "type": "nfs",
                "server": "10.0.0.5",
                "path": "/exports/data",
                "mount_path": "/nfs",
                "read_only": True,
            },
            {"type": "nfs", "server": "fd00::5", "path": "/", "mount_path": "/nfs-root"},
        ],
        proxy=True,
        resources={"cpu_request": "500m", "memory_request": "1Gi", "cpu_limit": "8", "memory_limit": "16Gi"},
        schedule="30 2 * * MON-FRI",
        timezone="Europe/Berlin",
        max_active_runs=2,
        retries=3,
        retry_delay_seconds=60,
        execution_timeout_minutes=120,
        notify={"emails": ["data.office@example.org"], "webhook_conn_id": "data_office_chat"},
    )
    spec = validate_spec(spec_data, POLICY)

    assert spec.dag_id == "job_customer-sync-2-0-1"
    assert spec.airflow_schedule == "30 2 * * MON-FRI"
    assert spec.artifact.to_ref() == ArtifactRef(
        repository="talend",
        name="customer_sync",
        group="/jobs/etl",
        version="latest",
        assets=("customer_sync_run.sh", "lib/*.jar"),
        source="local",
    )
    assert spec.operator_mounts(POLICY.smb_endpoints) == [
        SmbMount(
            source="//files.example.org/research/reports",
            mount_path="/data",
            credentials_secret="smb-research",
        ),
        SmbMount(
            source="//files.example.org/archive",
            mount_path="/archive",
            credentials_secret="smb-archive",
            read_only=True,
            mount_options="vers=3.0",
        ),
        PvcMount(claim_name="shared-data", mount_path="/shared", sub_path="jobs/customer"),
        NfsMount(server="10.0.0.5", path="/exports/data", mount_path="/nfs", read_only=True),
        NfsMount(server="fd00::5", path="/", mount_path="/nfs-root"),
    ]
    assert spec.resources.to_job_resources() == JobResources(
        cpu_request="500m", memory_request="1Gi", cpu_limit="8", memory_limit="16Gi"
    )


def test_a_minimal_spec_takes_the_defaults(spec_data: dict[str, Any]) -> None:
    spec = validate_spec(spec_data, POLICY)
    assert spec.schedule == "none"
    assert spec.airflow_schedule is None
    assert spec.timezone == "UTC"
    assert (spec.max_active_runs, spec.retries, spec.retry_delay_seconds) == (1, 0, 300)
    assert spec.execution_timeout_minutes is None
    assert spec.resources.to_job_resources() == JobResources()
    assert spec.artifact.source == "nexus"
    assert spec.operator_mounts({}) == []


def test_a_local_spec(spec_data: dict[str, Any]) -> None:
    spec_data.pop("runner_image")
    files = [
        {"file_name": "app.ini", "content": "[app]"},
        {"file_name": "db.pw", "secret": True, "content": "pw"},
    ]
    spec = validate_spec(
        {**spec_data, "executor": "local", "args": ["a"], "env": {"A": "1"}, "config_files": files}, POLICY
    )
    assert spec.executor == "local"
    assert spec.runner_image is None
    assert [item.file_name for item in spec.config_files] == ["app.ini", "db.pw"]


@pytest.mark.parametrize(
    "schedule",
    [
        "none",
        "@hourly",
        "@daily",
        "@weekly",
        "@monthly",
        "@quarterly",
        "@yearly",
        "*/5 * * * *",
        "0 0 29 2 *",
    ],
)
def test_schedules(schedule: str, make_spec: Callable[..., DeploymentSpec]) -> None:
    assert make_spec(schedule=schedule).schedule == schedule


def test_executors_are_the_admins_choice(spec_data: dict[str, Any]) -> None:
    kubernetes_only = dataclasses.replace(POLICY, allowed_executors=frozenset({"kubernetes"}))
    spec_data.pop("runner_image")
    with pytest.raises(
        ValueError, match=r"executor\n.*'local' is not an executor the admin allows \(kubernetes\)"
    ):
        validate_spec({**spec_data, "executor": "local"}, kubernetes_only)


def test_a_ceiling_needs_a_limit(spec_data: dict[str, Any]) -> None:
    no_default_limit = dataclasses.replace(POLICY, default_resources=JobResources(cpu_request="250m"))
    with pytest.raises(ValueError, match="cpu_limit is required: the admin caps cpu at 8"):
        validate_spec(spec_data, no_default_limit)
    spec = validate_spec(
        {**spec_data, "resources": {"cpu_limit": "1", "memory_limit": "1Gi"}}, no_default_limit
    )
    assert spec.resources.cpu_limit == "1"


def test_a_broken_admin_default_is_named(spec_data: dict[str, Any]) -> None:
    broken = dataclasses.replace(POLICY, default_resources=JobResources(cpu_limit="2 cores"))
    with pytest.raises(ValueError, match=r"the admin's \[job_orchestrator\] default_cpu_limit is not valid"):
        validate_spec(spec_data, broken)


def test_no_ceiling_no_default_no_limit(spec_data: dict[str, Any]) -> None:
    open_policy = dataclasses.replace(
        POLICY, default_resources=JobResources(), max_cpu_limit="", max_memory_limit=""
    )
    assert (
        validate_spec({**spec_data, "resources": {"cpu_request": "64"}}, open_policy).resources.cpu_request
        == "64"
    )


def test_a_spec_is_checked_again_under_other_rules(make_spec: Callable[..., DeploymentSpec]) -> None:
    spec = make_spec(resources={"cpu_limit": "8"})
    stricter = dataclasses.replace(POLICY, max_cpu_limit="4")
    with pytest.raises(ValueError, match="cpu_limit 8 is more than the admin's ceiling of 4"):
        validate_spec(spec, stricter)


def test_specs_are_immutable(make_spec: Callable[..., DeploymentSpec]) -> None:
    spec = make_spec()
    with pytest.raises(ValueError, match="frozen"):
        spec.name = "other"


def test_without_a_policy_the_configuration_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__RUNNER_IMAGES", "Talend=" + RUNNER_IMAGE)
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__ALLOWED_EXECUTORS", "kubernetes")
    data = copy.deepcopy(VALID_SPEC)
    assert DeploymentSpec.model_validate(data).runner_image == RUNNER_IMAGE
    assert validate_spec(data).runner_image == RUNNER_IMAGE
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__RUNNER_IMAGES", "")
    with pytest.raises(ValueError, match="is not in the runner catalog"):
        validate_spec(data)


SECRET = "s3cr3t-Value-42"


@pytest.mark.parametrize(
    "bad_change",
    [
        {},  # valid: the secret must not show in dumps either
        {"name": "Bad_Name"},
        {"config_files": [{"file_name": "a/b", "secret": True, "content": SECRET}]},
        {"config_files": [{"file_name": "s", "secret": True, "content": SECRET + "\x00"}]},
        {"config_files": [{"file_name": "s", "secret": True, "content": SECRET, "extra": 1}]},
        {"config_files": [{"secret": True, "content": SECRET}]},
        {"config_files": [{"file_name": "s", "secret": True, "content": SECRET}] * 21},
        {"config_files": [{"file_name": "s", "secret": True, "content": SECRET}] * 2},
    ],
)
def test_secret_contents_show_nowhere(bad_change: dict[str, Any], spec_data: dict[str, Any]) -> None:
    data = {
        "config_files": [{"file_name": "s", "secret": True, "content": SECRET}],
        **spec_data,
        **bad_change,
    }
    try:
        spec = validate_spec(data, POLICY)
    except ValueError as exc:
        shown = [str(exc), repr(exc)]
        errors = getattr(exc, "errors", None)
        if errors is not None:
            shown.append(repr(errors()))
            shown.append(json.dumps(errors(include_context=False), default=str))
    else:
        shown = [
            repr(spec),
            str(spec),
            spec.model_dump_json(),
            repr(spec.model_dump()),
            json.dumps(spec.model_dump(mode="json")),
        ]
        assert spec.model_dump(mode="json")["config_files"] == [{"file_name": "s", "secret": True}]
        assert spec.config_files[0].content.get_secret_value() == SECRET  # type: ignore[union-attr]
    assert not any(SECRET in text for text in shown)


def test_json_schema_for_an_api() -> None:
    schema = DeploymentSpec.model_json_schema()
    json.dumps(schema)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"name", "artifact", "executor"}
    secret_file = schema["$defs"]["SecretConfigFile"]["properties"]["content"]
    assert {"format": "password", "type": "string", "writeOnly": True} in secret_file["anyOf"]
    assert schema["properties"]["mounts"]["items"]["discriminator"]["propertyName"] == "type"


def test_a_webhook_names_only_a_connection_the_admin_allows(spec_data: dict[str, Any]) -> None:
    policy = dataclasses.replace(POLICY, webhook_connections=("webhook_*", "chat"))
    hooked = {**spec_data, "notify": {"webhook_conn_id": "webhook_team"}}
    assert validate_spec(hooked, policy).notify.webhook_conn_id == "webhook_team"
    assert (
        validate_spec({**hooked, "notify": {"webhook_conn_id": "chat"}}, policy).notify.webhook_conn_id
        == "chat"
    )
    with pytest.raises(ValidationError) as raised:
        validate_spec({**hooked, "notify": {"webhook_conn_id": "aws_default"}}, policy)
    assert error_messages(raised.value) == [
        "notify.webhook_conn_id: connection 'aws_default' is not one the admin allows for webhooks "
        "([job_orchestrator] webhook_connections: webhook_*, chat)"
    ]
    nothing_allowed = dataclasses.replace(POLICY, webhook_connections=())
    with pytest.raises(ValueError, match=r"webhook_connections: none\)"):
        validate_spec(hooked, nothing_allowed)
    assert validate_spec(spec_data, nothing_allowed).notify.webhook_conn_id is None


def test_the_configured_webhook_connections_are_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    assert DeploymentPolicy.from_config().webhook_connections == ("*",)
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__WEBHOOK_CONNECTIONS", "webhook_*, chat")
    assert DeploymentPolicy.from_config().webhook_connections == ("webhook_*", "chat")
