"""Several processes writing one folder at once: exactly one wins, the others get ConflictError.

Every write is slowed down, so without the folder's lock the processes would overlap between
their check and their write and more than one would win.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest

from airflow_jobs_provider.deployments import store as store_module
from airflow_jobs_provider.deployments.secrets import InMemorySecretSink
from airflow_jobs_provider.deployments.spec import validate_spec
from airflow_jobs_provider.deployments.store import ConflictError, SpecStore, StoredDeployment
from tests.unit.deployments.conftest import POLICY, VALID_SPEC

WRITERS = 8
NAME = VALID_SPEC["name"]


def _writer(folder: str, operation: str, number: int, barrier: Any, results: Any) -> None:
    store = SpecStore(folder, secrets=InMemorySecretSink(), policy=POLICY)
    spec = validate_spec({**VALID_SPEC, "args": [f"writer-{number}"]}, POLICY)
    barrier.wait()
    try:
        if operation == "create":
            store.create(spec, f"user-{number}")
        else:
            store.update(NAME, spec, f"user-{number}", expected_revision=1)
    except ConflictError:
        results.put((number, "conflict"))
    except Exception as exc:  # reported, so the test shows it
        results.put((number, repr(exc)))
    else:
        results.put((number, "won"))


def _race(folder: Path, operation: str) -> dict[int, str]:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(WRITERS)
    results = context.Queue()
    processes = [
        context.Process(target=_writer, args=(str(folder), operation, number, barrier, results))
        for number in range(WRITERS)
    ]
    for process in processes:
        process.start()
    outcome = dict(results.get(timeout=60) for _ in processes)
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    return outcome


@pytest.fixture(autouse=True)
def _slow_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inherited by the forked writers: widens the window between check and write."""
    real_write = store_module.write_atomically

    def slow_write(path: Path, text: str) -> None:
        time.sleep(0.05)
        real_write(path, text)

    monkeypatch.setattr(store_module, "write_atomically", slow_write)


def test_concurrent_creates(tmp_path: Path) -> None:
    outcome = _race(tmp_path, "create")
    winners = [number for number, result in outcome.items() if result == "won"]
    assert len(winners) == 1, outcome
    assert sorted(outcome.values()) == ["conflict"] * (WRITERS - 1) + ["won"]

    store = SpecStore(tmp_path, secrets=InMemorySecretSink(), policy=POLICY)
    stored = store.get(NAME)
    assert isinstance(stored, StoredDeployment)
    assert (stored.revision, stored.deployed_by, stored.spec.args) == (
        1,
        f"user-{winners[0]}",
        [f"writer-{winners[0]}"],
    )


def test_concurrent_updates(tmp_path: Path) -> None:
    store = SpecStore(tmp_path, secrets=InMemorySecretSink(), policy=POLICY)
    store.create(validate_spec(VALID_SPEC, POLICY), "alice")

    outcome = _race(tmp_path, "update")
    winners = [number for number, result in outcome.items() if result == "won"]
    assert len(winners) == 1, outcome
    assert sorted(outcome.values()) == ["conflict"] * (WRITERS - 1) + ["won"]

    stored = store.get(NAME)
    assert isinstance(stored, StoredDeployment)
    assert (stored.revision, stored.spec.args) == (2, [f"writer-{winners[0]}"])
    assert [(h.revision, h.deployed_by) for h in store.history(NAME)] == [
        (1, "alice"),
        (2, f"user-{winners[0]}"),
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == [".history", ".lock", f"{NAME}.yaml"]
