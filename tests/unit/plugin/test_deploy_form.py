"""What the deploy form asks before deploying: rights, rules, schedule preview, draft pod and code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise

import pytest
import yaml

from tests.unit.plugin.conftest import Api, local_spec
from tests.unit.plugin.test_deployments import SECRET, kubernetes_spec

FORM = "/deploy-form"


@pytest.mark.parametrize(("user", "may_deploy"), [("admin", True), ("editor", True), ("viewer", False)])
def test_options_say_whether_the_user_may_deploy(
    api: Callable[..., Api], user: str, may_deploy: bool
) -> None:
    options = api(user)("GET", f"{FORM}/options").json()
    assert options["user_name"] == user
    assert options["may_deploy"] is may_deploy
    assert options["allowed_executors"] == ["kubernetes", "local"]
    assert set(options["default_resources"]) == {"cpu_request", "memory_request", "cpu_limit", "memory_limit"}


def test_options_need_a_login(api: Callable[..., Api]) -> None:
    assert api(None)("GET", f"{FORM}/options").status_code == 401


def test_a_cron_schedule_in_words_and_its_next_five_runs(api: Callable[..., Api]) -> None:
    preview = api("viewer")(
        "GET", f"{FORM}/schedule", params={"schedule": "30 4 * * 1-5", "timezone": "Europe/Berlin"}
    ).json()
    assert preview["one_off"] is False
    assert preview["description"] == "At 04:30, Monday through Friday"
    runs = [datetime.fromisoformat(run) for run in preview["next_runs"]]
    assert len(runs) == 5 and runs == sorted(runs) and runs[0] > datetime.now(runs[0].tzinfo)
    from zoneinfo import ZoneInfo

    local = [run.astimezone(ZoneInfo("Europe/Berlin")) for run in runs]
    assert {(run.hour, run.minute) for run in local} == {(4, 30)}
    assert all(run.isoweekday() <= 5 for run in local)


def test_a_preset_and_a_one_off(api: Callable[..., Api]) -> None:
    daily = api()("GET", f"{FORM}/schedule", params={"schedule": "@daily"}).json()
    runs = [datetime.fromisoformat(run) for run in daily["next_runs"]]
    assert [later - earlier for earlier, later in pairwise(runs)] == [timedelta(days=1)] * 4
    one_off = api()("GET", f"{FORM}/schedule", params={"schedule": "none"}).json()
    assert one_off["one_off"] is True and one_off["next_runs"] == []


def test_a_bad_schedule_names_its_field(api: Callable[..., Api]) -> None:
    answer = api()("GET", f"{FORM}/schedule", params={"schedule": "61 * * * *", "timezone": "Mars/Base"})
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert [line.split(":")[0] for line in errors] == ["schedule", "timezone"]


def test_the_pod_of_a_draft_as_yaml_without_its_secrets(api: Callable[..., Api]) -> None:
    files = [{"file_name": "db.conf", "secret": True, "content": SECRET}]
    answer = api("viewer")(
        "POST", f"{FORM}/pod", json=kubernetes_spec("draft", args=["--day", "1"], config_files=files)
    )
    assert answer.status_code == 200, answer.text
    pod = yaml.safe_load(answer.json()["pod_yaml"])
    (container,) = [c for c in pod["spec"]["containers"] if c["name"] == "base"]
    assert container["args"][-2:] == ["--day", "1"]
    assert SECRET not in answer.text
    local = api()("POST", f"{FORM}/pod", json=local_spec("draft"))
    assert local.status_code == 409


def test_the_code_of_a_draft(api: Callable[..., Api]) -> None:
    answer = api("viewer")("POST", f"{FORM}/code", json=local_spec("draft-code", args=["it's"]))
    assert answer.status_code == 200, answer.text
    code = answer.json()
    assert code["file_name"] == "job_draft-code.py"
    compile(code["code"], code["file_name"], "exec")
    assert "'it\\'s'" in code["code"] or '"it\'s"' in code["code"]


def test_a_bad_draft_is_a_422_at_its_fields(api: Callable[..., Api]) -> None:
    answer = api()("POST", f"{FORM}/code", json=local_spec("Bad_Name", args=["ok", "nul\0"]))
    assert answer.status_code == 422
    fields = {line.split(":")[0] for line in answer.json()["errors"]}
    assert fields == {"name", "args[1]"}
