"""Each revision says what it changed, value by value, and a stale redeploy says who changed what when."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.unit.plugin.conftest import Api, local_spec

SECRET = "password=hunter2-not-for-eyes"


def with_files(name: str, plain: str, secret: str | None, **changes: Any) -> dict[str, Any]:
    files: list[dict[str, Any]] = [
        {"file_name": "app.ini", "content": plain},
        {"file_name": ".pgpass", "secret": True, **({"content": secret} if secret is not None else {})},
    ]
    return local_spec(name, config_files=files, **changes)


def test_each_update_lists_its_field_changes_without_secrets(api: Callable[..., Api]) -> None:
    editor = api("editor")
    assert editor("POST", "/deployments", json=with_files("diffed", "a=1\n", SECRET)).status_code == 201
    second = with_files("diffed", "a=2\n", None, env={"REGION": "eu"}, args=["--full"])
    second["artifact"]["version"] = "1.0.0"
    assert editor("PUT", "/deployments/diffed", json={"revision": 1, "spec": second}).status_code == 200
    third = with_files("diffed", "a=2\n", SECRET + "2", env={"REGION": "us"}, args=["--full"])
    third["artifact"]["version"] = "1.0.0"
    assert editor("PUT", "/deployments/diffed", json={"revision": 2, "spec": third}).status_code == 200

    answer = editor("GET", "/deployments/diffed/history")
    assert SECRET not in answer.text
    created, updated, again = answer.json()["revisions"]
    assert created["diff"] == []
    assert {change["path"]: (change["old"], change["new"]) for change in updated["diff"]} == {
        "artifact.version": ("1.1.0", "1.0.0"),
        "args": ([], ["--full"]),
        "env.REGION": (None, "eu"),
        "config_files[app.ini].content": ("a=1\n", "a=2\n"),
    }
    assert updated["changes"] == ["artifact.version", "args", "env.REGION", "config_files"]  # as recorded
    assert again["diff"] == [
        {"path": "env.REGION", "old": "eu", "new": "us", "secret": False},
        # the new secret content is in a Variable, not in the spec: only its change is shown
        {"path": "config_files[.pgpass].content", "old": None, "new": None, "secret": True},
    ]


def test_added_and_removed_items_are_changes_of_their_own(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=with_files("items", "a=1\n", SECRET))
    fewer = local_spec("items", config_files=[{"file_name": "new.ini", "content": "b=1\n"}])
    api()("PUT", "/deployments/items", json={"revision": 1, "spec": fewer})
    (_, updated) = api()("GET", "/deployments/items/history").json()["revisions"]
    assert updated["diff"] == [
        {
            "path": "config_files[app.ini]",
            "old": {"file_name": "app.ini", "secret": False, "content": "a=1\n"},
            "new": None,
            "secret": False,
        },
        {
            "path": "config_files[.pgpass]",
            "old": {"file_name": ".pgpass", "secret": True},
            "new": None,
            "secret": False,
        },
        {
            "path": "config_files[new.ini]",
            "old": None,
            "new": {"file_name": "new.ini", "secret": False, "content": "b=1\n"},
            "secret": False,
        },
    ]


def test_a_stale_redeploy_says_who_changed_what_and_when(api: Callable[..., Api]) -> None:
    api("editor")("POST", "/deployments", json=with_files("shared", "a=1\n", SECRET))
    api("admin")(
        "PUT",
        "/deployments/shared",
        json={"revision": 1, "spec": with_files("shared", "a=1\n", None, retries=2)},
    )
    api("admin")(
        "PUT",
        "/deployments/shared",
        json={"revision": 2, "spec": with_files("shared", "a=1\n", SECRET + "!", retries=3, args=["x"])},
    )
    stale = api("editor")(
        "PUT", "/deployments/shared", json={"revision": 1, "spec": with_files("shared", "a=9\n", None)}
    )
    assert stale.status_code == 409
    body = stale.json()
    assert SECRET not in json.dumps(body)
    assert "is at revision 3, not 1" in body["detail"]
    current = api()("GET", "/deployments/shared").json()
    assert (body["revision"], body["deployed_by"], body["since"]) == (3, "admin", 1)
    assert body["deployed_at"] == current["deployed_at"]
    assert body["changes"] == [
        {"path": "args", "old": [], "new": ["x"], "secret": False},
        {"path": "retries", "old": 0, "new": 3, "secret": False},
        {"path": "config_files[.pgpass].content", "old": None, "new": None, "secret": True},
    ]
    assert api()("GET", "/deployments/shared").json()["revision"] == 3  # nothing written
