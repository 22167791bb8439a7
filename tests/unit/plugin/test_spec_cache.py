"""The list's specs in memory: a changed, new or removed file is read again, the others are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from airflow_jobs_provider.deployments.spec import validate_spec
from airflow_jobs_provider.deployments.store import InvalidSpec, SpecStore, StoredDeployment
from airflow_jobs_provider.plugin.spec_cache import SpecListingCache
from tests.unit.plugin.conftest import local_spec


@pytest.fixture
def store(workspace: Path) -> SpecStore:
    return SpecStore()


def by_name(cache: SpecListingCache) -> dict[str, object]:
    return {entry.name: entry for entry in cache.listing().entries}


def test_only_what_changed_is_read_again(store: SpecStore, workspace: Path) -> None:
    for name in ("kept", "changed", "removed"):
        store.create(validate_spec(local_spec(name)), "alice")
    cache = SpecListingCache()
    first = cache.listing()
    assert cache.listing() is first  # nothing changed: the same listing
    before = by_name(cache)

    store.update("changed", validate_spec(local_spec("changed", retries=2)), "bob", 1)
    store.delete("removed", "bob")
    store.create(validate_spec(local_spec("added")), "bob")
    second = cache.listing()
    after = by_name(cache)

    assert second.fingerprint != first.fingerprint
    assert list(after) == ["added", "changed", "kept"]
    assert after["kept"] is before["kept"]  # not read again
    changed = after["changed"]
    assert isinstance(changed, StoredDeployment) and changed.revision == 2 and changed.spec.retries == 2

    # A file whose name is no deployment name is listed with that error, in ``list``'s order.
    (workspace / "specs" / "Bad_Name.yaml").write_text("x: 1\n", encoding="utf-8")
    after = by_name(cache)
    assert list(after) == ["Bad_Name", "added", "changed", "kept"]
    assert isinstance(after["Bad_Name"], InvalidSpec)
    assert [entry.name for entry in store.list()] == list(after)


def test_a_broken_rewrite_and_a_policy_change_are_seen(
    store: SpecStore, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.create(validate_spec(local_spec("local-job")), "alice")
    cache = SpecListingCache()
    assert isinstance(by_name(cache)["local-job"], StoredDeployment)
    (workspace / "specs" / "local-job.yaml").write_bytes(b"\xff not text")
    assert isinstance(by_name(cache)["local-job"], InvalidSpec)
    store.delete("local-job", "alice")
    store.create(validate_spec(local_spec("local-job")), "alice")
    assert isinstance(by_name(cache)["local-job"], StoredDeployment)
    # The admin no longer allows the local executor: the same file is no longer valid.
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__ALLOWED_EXECUTORS", "kubernetes")
    shown = by_name(cache)["local-job"]
    assert isinstance(shown, InvalidSpec) and "executor" in shown.error
