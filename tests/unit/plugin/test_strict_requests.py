"""Request bodies are taken as typed: no "1" or true for a revision, no unknown keys, 422 naming the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.unit.plugin.conftest import Api, local_spec


@pytest.mark.parametrize("revision", ["1", True, 1.0, None])
def test_a_revision_must_be_an_integer(api: Callable[..., Api], revision: Any) -> None:
    editor = api("editor")
    assert editor("POST", "/deployments", json=local_spec("hello")).status_code == 201
    response = editor("PUT", "/deployments/hello", json={"revision": revision, "spec": local_spec("hello")})
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == ["revision: Input should be a valid integer"]
    assert editor("GET", "/deployments/hello").json()["revision"] == 1  # nothing was written


def test_unknown_keys_of_a_redeploy_are_refused(api: Callable[..., Api]) -> None:
    editor = api("editor")
    editor("POST", "/deployments", json=local_spec("hello"))
    body = {"revision": 1, "spec": {**local_spec("hello"), "colour": "blue"}, "force": True}
    response = editor("PUT", "/deployments/hello", json=body)
    assert response.status_code == 422, response.text
    assert sorted(response.json()["errors"]) == [
        "force: Extra inputs are not permitted",
        "spec.colour: Extra inputs are not permitted",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"retries": "1"}, "retries: Input should be a valid integer"),
        ({"retries": True}, "retries: Input should be a valid integer"),
        ({"max_active_runs": 1.0}, "max_active_runs: Input should be a valid integer"),
        (
            {"config_files": [{"file_name": "a.ini", "secret": 0, "content": ""}]},
            "config_files[0].plain.secret",
        ),
        (
            {"env": {"PYTHONPATH": "/srv/lib"}},
            "env.PYTHONPATH: environment variable 'PYTHONPATH' changes how",
        ),
        ({"env": {"FOO\n": "1"}}, "env['FOO\\n']: environment variable name 'FOO\\n' is not valid"),
        ({"schedule": "0 3 * * *\n"}, "schedule: must be one line"),
        ({"timezone": "localtime"}, "timezone: 'localtime' depends on the host's time zone files"),
    ],
)
def test_a_create_answers_422_naming_the_field(
    api: Callable[..., Api], changes: dict[str, Any], message: str
) -> None:
    response = api()("POST", "/deployments", json=local_spec("hello", **changes))
    assert response.status_code == 422, response.text
    assert any(line.startswith(message) for line in response.json()["errors"]), response.json()
