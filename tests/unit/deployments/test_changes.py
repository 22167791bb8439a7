"""Field changes between stored specs: paths for the record, values for people, never a secret."""

from __future__ import annotations

from airflow_jobs_provider.deployments.changes import FieldChange, changed_fields, field_changes

# A hand-edited or older spec file may hold a secret file's content: it must still not show.
OLD = {
    "args": ["a"],
    "config_files": [{"file_name": ".pgpass", "secret": True, "content": "old-secret"}],
    "mounts": [{"mount_path": "/data", "endpoint": "research", "path": "a"}],
}
NEW = {
    "args": ["b"],
    "config_files": [
        {"file_name": ".pgpass", "secret": True, "content": "new-secret"},
        {"file_name": ".netrc", "secret": True, "content": "added-secret"},
    ],
    "mounts": [{"mount_path": "/data", "endpoint": "research", "path": "b"}],
}


def test_values_are_shown_except_secret_contents() -> None:
    assert field_changes(OLD, NEW) == [
        FieldChange("args", ["a"], ["b"]),
        FieldChange("config_files[.pgpass].content", None, None, secret=True),
        FieldChange("config_files[.netrc]", None, {"file_name": ".netrc", "secret": True}),
        FieldChange("mounts[/data].path", "a", "b"),
    ]
    shown = repr(field_changes(OLD, NEW))
    assert not any(secret in shown for secret in ("old-secret", "new-secret", "added-secret"))


def test_the_recorded_paths_stay_as_they_were() -> None:
    assert changed_fields(OLD, NEW) == ["args", "config_files", "mounts"]
    assert changed_fields({"env": {"A": "1"}}, {"env": {"A": "2", "B": "3"}}) == ["env.A", "env.B"]


def test_a_list_without_names_is_one_change() -> None:
    assert field_changes({"mounts": ["odd"]}, {"mounts": []}) == [FieldChange("mounts", ["odd"], [])]
