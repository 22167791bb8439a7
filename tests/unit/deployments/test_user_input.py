"""What a deployer types, refused where it would do harm: trailing line breaks, loosely typed
values, unknown keys, variables that start code, system mount paths and host-dependent time zones.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from airflow_jobs_provider.deployments import schedule
from airflow_jobs_provider.deployments.messages import error_messages
from airflow_jobs_provider.deployments.policy import DeploymentPolicy
from airflow_jobs_provider.deployments.spec import DeploymentSpec, validate_spec
from airflow_jobs_provider.deployments.spec_yaml import dump_yaml, load_yaml
from airflow_jobs_provider.deployments.store import SpecStore, StoredDeployment
from airflow_jobs_provider.operators.job_environment import (
    JobEnvironmentError,
    validate_job_env,
)
from airflow_jobs_provider.operators.kubernetes import NexusKubernetesOperator
from airflow_jobs_provider.operators.local import NexusLocalOperator
from tests.unit.deployments.conftest import POLICY, RUNNER_IMAGE

# A spec that uses every field a deployer types, each with a valid value.
FULL_SPEC: dict[str, Any] = {
    "name": "customer-sync",
    "description": "Nightly sync.\nSecond line.",
    "owner": "data.office",
    "tags": ["etl"],
    "artifact": {
        "source": "nexus",
        "repository": "talend",
        "group": "org.example.jobs",
        "name": "customer_sync",
        "version": "2.0.1",
        "assets": ["customer_sync_run.sh"],
    },
    "executor": "kubernetes",
    "runner_image": RUNNER_IMAGE,
    "args": ["--context_param", "line one\nline two"],
    "env": {"REGION": "north", "NOTE": "multi\nline"},
    "config_files": [
        {"file_name": "app.properties", "content": "a=1\n"},
        {"file_name": "db.pass", "secret": True, "content": "hunter2"},
    ],
    "mounts": [
        {
            "type": "smb",
            "endpoint": "research",
            "sub_path": "reports",
            "mount_path": "/data",
            "read_only": True,
        },
        {"type": "pvc", "claim_name": "scratch", "sub_path": "tmp", "mount_path": "/scratch"},
        {"type": "nfs", "server": "nfs.example.org", "path": "/exports/x", "mount_path": "/nfs"},
    ],
    "proxy": True,
    "resources": {"cpu_request": "500m", "memory_request": "512Mi", "cpu_limit": "2", "memory_limit": "4Gi"},
    "schedule": "0 3 * * *",
    "timezone": "Europe/Berlin",
    "max_active_runs": 2,
    "retries": 3,
    "retry_delay_seconds": 60,
    "execution_timeout_minutes": 120,
    "notify": {"emails": ["data-office@example.org"], "webhook_conn_id": "team_hook"},
}


def _full() -> dict[str, Any]:
    return copy.deepcopy(FULL_SPEC)


def _errors(data: dict[str, Any], policy: DeploymentPolicy = POLICY) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_spec(data, policy)
    return error_messages(caught.value)


def _at(path: str) -> tuple[list[str | int], str | int]:
    """``mounts.0.mount_path`` → (["mounts", 0], "mount_path")."""
    parts: list[str | int] = [int(part) if part.isdigit() else part for part in path.split(".")]
    return parts[:-1], parts[-1]


def _change(data: dict[str, Any], path: str, make: Callable[[Any], Any]) -> None:
    """``make`` gets the value at ``path`` (None if there is none) and gives the new one."""
    parents, last = _at(path)
    target: Any = data
    for part in parents:
        target = target[part]
    target[last] = make(target.get(last) if isinstance(target, dict) else target[last])


def test_the_full_spec_is_valid() -> None:
    assert validate_spec(_full(), POLICY).env == {"REGION": "north", "NOTE": "multi\nline"}


# Every one-line value, as (path in the spec, path in the message). ``$`` in a pattern matches
# before a final line break, so each of these once needed a full match to refuse "value\n".
ONE_LINE_FIELDS = [
    ("name", "name"),
    ("owner", "owner"),
    ("tags.0", "tags[0]"),
    ("artifact.source", "artifact.source"),
    ("artifact.repository", "artifact.repository"),
    ("artifact.group", "artifact.group"),
    ("artifact.name", "artifact.name"),
    ("artifact.version", "artifact.version"),
    ("artifact.assets.0", "artifact.assets[0]"),
    ("executor", "executor"),
    ("runner_image", "runner_image"),
    ("config_files.0.file_name", "config_files[0].plain.file_name"),
    ("config_files.1.file_name", "config_files[1].secret.file_name"),
    ("mounts.0.type", "mounts[0]"),
    ("mounts.0.endpoint", "mounts[0].smb.endpoint"),
    ("mounts.0.sub_path", "mounts[0].smb.sub_path"),
    ("mounts.0.mount_path", "mounts[0].smb.mount_path"),
    ("mounts.1.claim_name", "mounts[1].pvc.claim_name"),
    ("mounts.1.sub_path", "mounts[1].pvc.sub_path"),
    ("mounts.1.mount_path", "mounts[1].pvc.mount_path"),
    ("mounts.2.server", "mounts[2].nfs.server"),
    ("mounts.2.path", "mounts[2].nfs.path"),
    ("mounts.2.mount_path", "mounts[2].nfs.mount_path"),
    ("resources.cpu_request", "resources.cpu_request"),
    ("resources.memory_request", "resources.memory_request"),
    ("resources.cpu_limit", "resources.cpu_limit"),
    ("resources.memory_limit", "resources.memory_limit"),
    ("schedule", "schedule"),
    ("timezone", "timezone"),
    ("notify.emails.0", "notify.emails[0]"),
    ("notify.webhook_conn_id", "notify.webhook_conn_id"),
]


@pytest.mark.parametrize(("path", "field"), ONE_LINE_FIELDS, ids=[path for path, _ in ONE_LINE_FIELDS])
def test_a_trailing_line_break_is_refused(path: str, field: str) -> None:
    data = _full()
    _change(data, path, lambda value: f"{value}\n")
    errors = _errors(data)
    assert any(line.startswith(f"{field}:") for line in errors), errors


def test_a_trailing_line_break_in_an_env_name_is_refused() -> None:
    data = _full()
    data["env"]["FOO\n"] = "1"
    assert _errors(data) == [
        "env['FOO\\n']: environment variable name 'FOO\\n' is not valid: use letters, digits and _, "
        "not starting with a digit"
    ]
    with pytest.raises(JobEnvironmentError, match="is not valid"):
        validate_job_env({"FOO\n": "1"})


def test_the_admins_smb_catalog_refuses_a_trailing_line_break() -> None:
    """Pydantic's ``pattern`` is a Rust regex, whose ``$`` is the end of the text."""
    from airflow_jobs_provider.deployments.catalogs import CatalogError, parse_smb_endpoints

    good = {"source": "//files.example.org/research", "credentials_secret": "smb"}
    assert list(parse_smb_endpoints(json.dumps({"research": good}))) == ["research"]
    with pytest.raises(CatalogError, match="String should match pattern"):
        parse_smb_endpoints(json.dumps({"research\n": good}))
    with pytest.raises(CatalogError, match=r"research\.source: "):
        parse_smb_endpoints(json.dumps({"research": {**good, "source": f"{good['source']}\n"}}))


# ---- strict types and unknown keys


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("max_active_runs", "2", "max_active_runs"),
        ("max_active_runs", True, "max_active_runs"),
        ("max_active_runs", 2.0, "max_active_runs"),
        ("retries", "1", "retries"),
        ("retry_delay_seconds", 60.0, "retry_delay_seconds"),
        ("execution_timeout_minutes", "120", "execution_timeout_minutes"),
        ("proxy", 1, "proxy"),
        ("proxy", "true", "proxy"),
        ("mounts.0.read_only", 1, "mounts[0].smb.read_only"),
        ("mounts.1.read_only", "yes", "mounts[1].pvc.read_only"),
        ("config_files.0.secret", 0, "config_files[0].plain.secret"),
        ("config_files.0.secret", 0.0, "config_files[0].plain.secret"),
        ("artifact.version", 2, "artifact.version"),
        ("owner", b"data.office", "owner"),
        ("tags", ("etl",), "tags"),
    ],
)
def test_types_are_strict(path: str, value: Any, field: str) -> None:
    data = _full()
    _change(data, path, lambda _: value)
    errors = _errors(data)
    assert any(line.startswith(f"{field}:") for line in errors), errors


@pytest.mark.parametrize(
    ("where", "field"),
    [
        ("", "colour"),
        ("artifact", "artifact.colour"),
        ("notify", "notify.colour"),
        ("resources", "resources.colour"),
        ("mounts.0", "mounts[0].smb.colour"),
        ("mounts.1", "mounts[1].pvc.colour"),
        ("mounts.2", "mounts[2].nfs.colour"),
        ("config_files.0", "config_files[0].plain.colour"),
        ("config_files.1", "config_files[1].secret.colour"),
    ],
)
def test_unknown_keys_are_refused_at_every_level(where: str, field: str) -> None:
    data = _full()
    target: Any = data
    for part in where.split(".") if where else []:
        target = target[int(part) if part.isdigit() else part]
    target["colour"] = "blue"
    assert f"{field}: Extra inputs are not permitted" in _errors(data)


def test_a_stored_spec_reads_back_as_it_was_written(tmp_path: Path) -> None:
    """Strict types hold for what the store writes: its YAML keeps integers, booleans and strings."""
    store = SpecStore(tmp_path / "specs", policy=POLICY, secrets=_Sink())
    data = _full()
    data["artifact"]["version"] = "2.0"  # a string that reads as a number, unquoted
    data["tags"] = ["1", "true", "null", "2024-01-01"]
    created = store.create(validate_spec(data, POLICY), "alice")
    (listed,) = store.list()
    assert isinstance(listed, StoredDeployment), listed
    written = created.spec.model_dump(mode="json")  # as the store writes it: no secret contents
    assert listed.spec.model_dump(mode="json") == written
    assert store.get("customer-sync").spec.model_dump(mode="json") == written
    text = (tmp_path / "specs" / "customer-sync.yaml").read_text(encoding="utf-8")
    assert load_yaml(text)["spec"] == written
    again = DeploymentSpec.model_validate(load_yaml(dump_yaml(written)), context=POLICY.as_context())
    assert again.model_dump(mode="json") == written


class _Sink:
    def put(self, key: str, value: str) -> None:
        pass

    def delete(self, key: str) -> None:
        pass


# ---- variables that change how a loader, an interpreter or a shell starts


REFUSED_ENV = [
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "ld_preload",
    "DYLD_INSERT_LIBRARIES",
    "GCONV_PATH",
    "GLIBC_TUNABLES",
    "HOSTALIASES",
    "LOCALDOMAIN",
    "RES_OPTIONS",
    "MALLOC_TRACE",
    "NLSPATH",
    "OPENSSL_CONF",
    "PATH",
    "PYTHONPATH",
    "PYTHONSTARTUP",
    "PYTHONHOME",
    "PYTHONWARNINGS",
    "PYTHONBREAKPOINT",
    "BASH_ENV",
    "ENV",
    "BASH_FUNC_ls",
    "SHELLOPTS",
    "BASHOPTS",
    "PS4",
    "PROMPT_COMMAND",
    "IFS",
    "CDPATH",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "CLASSPATH",
    "NODE_OPTIONS",
    "PERL5OPT",
    "PERL5LIB",
    "RUBYOPT",
    "RUBYLIB",
    "R_PROFILE",
    "R_PROFILE_USER",
    "R_ENVIRON_USER",
    "R_LIBS_USER",
]
ALLOWED_ENV = [
    "REGION",
    "PYTHONUNBUFFERED",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "MALLOC_ARENA_MAX",
    "TMPDIR",
    "TZ",
    "LANG",
    "JAVA_HOME",
    "JAVA_OPTS",
    "HOME",
    "MY_PATH",
    "ENVIRONMENT",
    "LOAD_DATE",
]


@pytest.mark.parametrize("name", REFUSED_ENV)
def test_loader_variables_are_refused_naming_the_variable(name: str) -> None:
    data = _full()
    data["env"][name] = "x"
    assert _errors(data) == [
        f"env.{name}: environment variable {name!r} changes how a program loader, interpreter or shell "
        "starts, so the job would run code its artifact does not ship; an admin can allow it in "
        "[job_orchestrator] allowed_loader_env"
    ]
    with pytest.raises(JobEnvironmentError, match="allowed_loader_env"):
        validate_job_env({name: "x"}, allowed_loader_env=())


@pytest.mark.parametrize("name", ALLOWED_ENV)
def test_other_variables_pass(name: str) -> None:
    data = _full()
    data["env"] = {name: "x"}
    assert validate_spec(data, POLICY).env == {name: "x"}


def test_the_admin_lets_chosen_names_and_patterns_through() -> None:
    policy = dataclasses.replace(POLICY, allowed_loader_env=("PYTHONWARNINGS", "java_*", "R_LIBS*"))
    data = _full()
    data["env"] = {"PYTHONWARNINGS": "ignore", "JAVA_TOOL_OPTIONS": "-Xmx1g", "R_LIBS_USER": "/data/r"}
    assert validate_spec(data, policy).env == data["env"]
    data["env"]["PYTHONPATH"] = "/data/lib"
    assert [line.split(":")[0] for line in _errors(data, policy)] == ["env.PYTHONPATH"]


def test_the_admins_option_is_read_from_the_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__ALLOWED_LOADER_ENV", " PYTHONPATH , LD_* ")
    assert DeploymentPolicy.from_config().allowed_loader_env == ("PYTHONPATH", "LD_*")
    # The operators read it only when a name needs it: validate_job_env without a list.
    env = {"PYTHONPATH": "/opt/lib", "LD_PRELOAD": "/opt/x.so", "REGION": "north"}
    assert validate_job_env(env) == env
    with pytest.raises(JobEnvironmentError, match="'BASH_ENV' changes how"):
        validate_job_env({"BASH_ENV": "/tmp/x"})
    monkeypatch.delenv("AIRFLOW__JOB_ORCHESTRATOR__ALLOWED_LOADER_ENV")
    with pytest.raises(JobEnvironmentError, match="'PYTHONPATH' changes how"):
        validate_job_env({"PYTHONPATH": "/opt/lib"})


@pytest.mark.parametrize("operator", [NexusLocalOperator, NexusKubernetesOperator])
def test_both_operators_refuse_them(operator: type[Any]) -> None:
    artifact = {"repository": "r", "name": "n", "version": "1"}
    with pytest.raises(JobEnvironmentError, match="'LD_PRELOAD' changes how"):
        operator(task_id="t", artifact=artifact, job_env={"LD_PRELOAD": "/tmp/evil.so"})
    assert operator(task_id="t", artifact=artifact, job_env={"REGION": "north"}).job_env == {
        "REGION": "north"
    }


# ---- mount paths and time zones


_CANONICAL = "must be an absolute path without '..', '.', '//' or a trailing '/'"
_SYSTEM = "is in {}, which belongs to the kernel and the container runtime"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        *((path, _SYSTEM.format("/proc")) for path in ("/proc", "/proc/1/root")),
        *((path, _SYSTEM.format("/sys")) for path in ("/sys", "/sys/fs/cgroup")),
        *((path, _SYSTEM.format("/dev")) for path in ("/dev", "/dev/shm")),
        # No other spelling reaches them.
        *((path, _CANONICAL) for path in ("/data/../proc", "//proc", "/./sys", "/dev/", "/proc/./self")),
    ],
)
def test_system_mount_paths_are_refused(path: str, reason: str) -> None:
    data = _full()
    data["mounts"][1]["mount_path"] = path
    assert _errors(data) == [f"mounts[1].pvc.mount_path: {path!r} {reason}"]


@pytest.mark.parametrize("path", ["/procfs", "/system", "/devices", "/data/proc", "/mnt/dev"])
def test_names_that_only_start_alike_are_fine(path: str) -> None:
    data = _full()
    data["mounts"][1]["mount_path"] = path
    assert validate_spec(data, POLICY).mounts[1].mount_path == path


_HOST_DEPENDENT = "depends on the host's time zone files; name the zone itself, like UTC or Europe/Berlin"
_NO_ZONE = "is not an IANA time zone name, like UTC or Europe/Berlin"


@pytest.mark.parametrize(
    ("zone", "reason"),
    [
        *(
            (zone, _HOST_DEPENDENT)
            for zone in ("localtime", "Factory", "posixrules", "posix/UTC", "right/UTC")
        ),
        # Files and folders of the zone database are no zones.
        *((zone, _NO_ZONE) for zone in ("zone.tab", "tzdata.zi", "leapseconds", "Europe", "europe/berlin")),
    ],
)
def test_time_zones_other_hosts_may_not_know_are_refused(zone: str, reason: str) -> None:
    data = _full()
    data["timezone"] = zone
    assert _errors(data) == [f"timezone: {zone!r} {reason}"]


@pytest.mark.parametrize(
    "zone", ["UTC", "Etc/UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5"]
)
def test_iana_zones_pass(zone: str) -> None:
    assert schedule.check_timezone(zone) == zone


def test_without_tzdata_the_hosts_zone_names_count(monkeypatch: pytest.MonkeyPatch) -> None:
    schedule._known_zones.cache_clear()
    monkeypatch.setitem(sys.modules, "tzdata", None)  # import tzdata raises ImportError
    try:
        zones = schedule._known_zones()
    finally:
        schedule._known_zones.cache_clear()
    assert "Europe/Berlin" in zones and "posix/UTC" not in zones
