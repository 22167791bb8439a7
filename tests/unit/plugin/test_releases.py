"""The newer-release badge: looked up in the background, at most once an interval, never in a request."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from airflow_jobs_provider.deployments.spec import ArtifactSpec
from airflow_jobs_provider.plugin.releases import Component, ReleaseWatch, newest_release
from examples.seed import seed
from tests.integration.airflow_stack import wait_until
from tests.unit.plugin.conftest import Api, local_spec


def pinned(version: str, name: str = "hello-python") -> dict[str, str]:
    return {**local_spec("x")["artifact"], "name": name, "version": version}


def test_a_deployment_pinned_to_an_older_version_shows_the_newest_release(api: Callable[..., Api]) -> None:
    api()("POST", "/deployments", json=local_spec("old", artifact=pinned("1.0.0")))
    api()("POST", "/deployments", json=local_spec("current", artifact=pinned("1.1.0")))
    api()("POST", "/deployments", json=local_spec("moving", artifact=pinned("latest-release")))

    def badges() -> dict[str, str | None]:
        return {d["name"]: d["newer_release"] for d in api()("GET", "/deployments").json()["deployments"]}

    # The seeded local source holds 1.0.0 and 1.1.0; the watch asks it in the background.
    wait_until(lambda: badges()["old"] == "1.1.0", timeout=20, description="the newer release")
    assert badges() == {"old": "1.1.0", "current": None, "moving": None}
    assert api()("GET", "/deployments/old").json()["newer_release"] == "1.1.0"


def test_the_list_never_waits_for_the_source(
    api: Callable[..., Api], host_app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = threading.Event()
    answer = threading.Event()

    def slow_source(component: Component) -> str | None:
        asked.set()
        answer.wait(30)
        return "9.9.9"

    watch: ReleaseWatch = host_app.state.releases
    monkeypatch.setattr(watch, "lookup", slow_source)
    api()("POST", "/deployments", json=local_spec("report", artifact=pinned("0.3.0", name="disk-report")))
    first = api()("GET", "/deployments").json()["deployments"][0]
    wait_until(asked.is_set, timeout=20, description="the background lookup")
    # The source has not answered yet, and the list answers all the same, from memory.
    listed = api()("GET", "/deployments").json()["deployments"][0]
    assert not answer.is_set()
    assert first["newer_release"] is None and listed["newer_release"] is None
    answer.set()
    wait_until(
        lambda: api()("GET", "/deployments").json()["deployments"][0]["newer_release"] == "9.9.9",
        timeout=20,
        description="the answer in the list",
    )


@pytest.fixture
def counted() -> Iterator[tuple[list[Component], Callable[[Component], str | None]]]:
    calls: list[Component] = []
    failing = {"broken"}

    def lookup(component: Component) -> str | None:
        calls.append(component)
        if component.name in failing:
            raise ConnectionError("Nexus is away")
        return "2.0.0"

    yield calls, lookup


def artifact(name: str, version: str) -> ArtifactSpec:
    return ArtifactSpec(
        source="nexus", repository="releases", group="org.example", name=name, version=version
    )


def test_one_lookup_per_component_and_interval(
    counted: tuple[list[Component], Callable[[Component], str | None]], caplog: pytest.LogCaptureFixture
) -> None:
    calls, lookup = counted
    watch = ReleaseWatch(interval=3600, poll=0.01, lookup=lookup)
    watch.start()
    try:
        for _ in range(50):  # fifty rows, or refreshes, of two deployments of one component
            assert watch.newer_release(artifact("job", "1.0.0")) in (None, "2.0.0")
            watch.newer_release(artifact("job", "2.0.0"))
        with caplog.at_level(logging.WARNING):
            watch.newer_release(artifact("broken", "1.0.0"))
            wait_until(lambda: len(calls) == 2, timeout=20, description="two lookups")
            wait_until(
                lambda: watch.newer_release(artifact("job", "1.0.0")) == "2.0.0",
                timeout=20,
                description="memory",
            )
        assert watch.newer_release(artifact("job", "2.0.0")) is None  # not newer than itself
        assert watch.newer_release(artifact("job", "2.1.0-rc1")) is None
        assert watch.newer_release(artifact("broken", "1.0.0")) is None  # unknown, not newer
        assert "Could not look up the newest release of 1 component(s)" in caplog.text
        assert "Nexus is away" in caplog.text
        assert watch.newer_release(artifact("job", "latest")) is None
    finally:
        watch.stop()
    assert sorted(component.name for component in calls) == ["broken", "job"]


def test_a_component_is_looked_up_again_after_the_interval(
    counted: tuple[list[Component], Callable[[Component], str | None]],
) -> None:
    calls, lookup = counted
    watch = ReleaseWatch(interval=0.2, poll=0.01, lookup=lookup)
    watch.start()
    try:
        watch.newer_release(artifact("job", "1.0.0"))
        wait_until(lambda: len(calls) >= 2, timeout=20, description="a second lookup")
    finally:
        watch.stop()


def test_the_newest_release_skips_pre_releases(workspace: Path) -> None:
    """Asked of the seeded local source, with a release candidate newer than every release."""
    from airflow_jobs_provider.artifacts.registry import get_artifact_source

    (hello,) = {path.parent.parent for path in seed(workspace / "artifacts") if "hello-python" in path.parts}
    (hello / "1.2.0-rc1").mkdir()
    (hello / "1.2.0-rc1" / "hello.py").write_text("print('rc')\n", encoding="utf-8")
    component = Component("local", "examples", "org.example.jobs", "hello-python")
    assert (
        get_artifact_source("local").versions("examples", "org.example.jobs", "hello-python")[0]
        == "1.2.0-rc1"
    )
    assert newest_release(component) == "1.1.0"
