"""Writers SIGKILLed before every filesystem step, and at random moments, leave a store that reads true.

Three kinds of rounds, each followed by a check of the folder and by a next writer that
carries on in it:

- a sweep: a child runs a fixed script (create, redeploy, delete, create again, redeploy,
  delete) and kills itself just before its n-th filesystem call, for every n until the
  script ends unkilled, so every prefix of every write sequence is checked;
- seeded random operations killed before a random filesystem call;
- seeded random operations killed by the parent after a random delay, once the child has
  reported some finished operations: such a kill can land inside a system call.

A child counts filesystem calls with an audit hook (``open``, ``os.*``, ``fcntl.*``), which
Python calls before the call itself.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import yaml

from airflow_jobs_provider.deployments.secrets import InMemorySecretSink
from airflow_jobs_provider.deployments.spec import DeploymentSpec, validate_spec
from airflow_jobs_provider.deployments.store import NotFoundError, SpecStore, StoredDeployment
from tests.unit.deployments.conftest import POLICY, VALID_SPEC

CONTEXT = multiprocessing.get_context("fork")
NAMES = ("alpha", "beta", "gamma")
SCRIPT = ("create", "update", "delete", "create", "update", "delete")
SEED = 20261204
RANDOM_ROUNDS = 40
CHILD_TIMEOUT = 60.0
KILLED = -signal.SIGKILL


def _store(folder: Path) -> SpecStore:
    return SpecStore(folder, secrets=InMemorySecretSink(), policy=POLICY)


def _spec(name: str, tag: str) -> DeploymentSpec:
    return validate_spec({**VALID_SPEC, "name": name, "args": [tag]}, POLICY)


def _deployed(store: SpecStore, name: str) -> StoredDeployment | None:
    try:
        entry = store.get(name)
    except NotFoundError:
        return None
    assert isinstance(entry, StoredDeployment), entry
    return entry


def _apply(store: SpecStore, operation: str, name: str, tag: str) -> None:
    if operation == "create":
        store.create(_spec(name, tag), f"writer-{tag}")
        return
    current = _deployed(store, name)
    assert current is not None, f"{operation} of {name}: not deployed"
    if operation == "update":
        store.update(name, _spec(name, tag), f"writer-{tag}", expected_revision=current.revision)
    else:
        store.delete(name, f"writer-{tag}", expected_revision=current.revision)


def _random_operation(store: SpecStore, rng: random.Random, tag: str) -> None:
    """Create an absent name; redeploy or delete a deployed one."""
    name = rng.choice(NAMES)
    if _deployed(store, name) is None:
        _apply(store, "create", name, tag)
    else:
        _apply(store, rng.choice(["update", "update", "delete"]), name, tag)


def _kill_before_step(step: int) -> None:
    """SIGKILL this process just before its ``step``-th filesystem call from now on."""
    count = 0

    def hook(event: str, args: tuple[Any, ...]) -> None:
        nonlocal count
        if event == "open" or event.startswith(("os.", "fcntl.")):
            count += 1
            if count == step:
                os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(hook)


# The children.


def _scripted_writer(folder: Path, step: int) -> None:
    store = _store(folder)
    _kill_before_step(step)
    for number, operation in enumerate(SCRIPT):
        _apply(store, operation, NAMES[0], f"script-{number}")


def _random_writer(folder: Path, seed: int, step: int | None, progress: Connection | None) -> None:
    """Random operations until killed: by itself before ``step``, or by the parent."""
    store = _store(folder)
    rng = random.Random(seed)
    if step is not None:
        _kill_before_step(step)
    for number in range(10_000):
        _random_operation(store, rng, f"{seed}-{number}")
        if progress is not None:
            progress.send(number)
    raise AssertionError("never killed")


def _run(target: Callable[..., None], *args: Any) -> int | None:
    child = CONTEXT.Process(target=target, args=args)
    child.start()
    child.join(CHILD_TIMEOUT)
    assert not child.is_alive(), "the writer hangs"
    return child.exitcode


# The check.


def _revision_in(path: Path) -> int:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict) and type(document.get("revision")) is int, path
    return int(document["revision"])


def _assert_true_state(folder: Path, context: str) -> None:
    """What readers see is a state the writers meant, and so is what is on disk."""
    store = _store(folder)
    entries = store.list()
    assert all(isinstance(entry, StoredDeployment) for entry in entries), (context, entries)
    deployed = {entry.name: entry for entry in entries if isinstance(entry, StoredDeployment)}
    for name in NAMES:
        where = f"{context}, {name}"
        history_folder = folder / ".history" / name
        numbered = (
            sorted(int(path.stem) for path in history_folder.glob("*.yaml") if path.stem.isdigit())
            if history_folder.is_dir()
            else []
        )
        try:
            history = store.history(name)
        except NotFoundError:
            assert name not in deployed and not numbered, where
            continue
        revisions = [entry.revision for entry in history]
        assert revisions == list(range(1, len(history) + 1)), (where, "not contiguous", revisions)
        actions = [entry.action for entry in history]
        for before, action in zip([None, *actions[:-1]], actions, strict=True):
            allowed = {"create"} if before in (None, "delete") else {"update", "delete"}
            assert action in allowed, (where, actions)
        last = history[-1]
        spec_file = folder / f"{name}.yaml"
        if name in deployed:
            current = deployed[name]
            assert last.action != "delete", (where, "deployed, yet its history ends in a deletion", revisions)
            assert last.revision == current.revision, (where, "history ahead of the spec file", revisions)
            assert last.spec == current.spec.model_dump(mode="json"), where
        else:
            assert last.action == "delete", (
                where,
                "not deployed, yet its history does not say deleted",
                actions,
            )
        if spec_file.exists():
            on_disk = _revision_in(spec_file)
            assert max(numbered, default=0) <= on_disk, (where, "a history file ahead of the spec file")
        else:
            assert name not in deployed, where


# The rounds.


def test_a_writer_killed_before_each_step_of_every_write_leaves_a_true_store(tmp_path: Path) -> None:
    step = 0
    while True:
        step += 1
        folder = tmp_path / f"step-{step}"
        exitcode = _run(_scripted_writer, folder, step)
        if exitcode == 0:
            break  # the script ran to its end before that step: every step has been tried
        assert exitcode == KILLED, f"step {step}: the writer failed (exit code {exitcode})"
        _assert_true_state(folder, f"killed before step {step}")

        # The next writer carries on from whatever state the kill left.
        store = _store(folder)
        name = NAMES[0]
        for operation in ("update", "delete") if _deployed(store, name) else ("create", "update"):
            _apply(store, operation, name, f"next-{step}")
        _assert_true_state(folder, f"after the writer that followed the kill before step {step}")
    assert step > 10 * len(SCRIPT), "the hook did not count the filesystem calls"


def test_writers_killed_before_a_random_step_leave_a_true_store(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    for round_number in range(RANDOM_ROUNDS):
        step = rng.randint(1, 150)
        exitcode = _run(_random_writer, tmp_path, rng.randrange(2**32), step, None)
        assert exitcode == KILLED, f"round {round_number}: the writer failed (exit code {exitcode})"
        _assert_true_state(tmp_path, f"round {round_number}, killed before step {step}")


def test_writers_killed_at_random_moments_leave_a_true_store(tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    for round_number in range(RANDOM_ROUNDS):
        receiver, sender = CONTEXT.Pipe(duplex=False)
        child = CONTEXT.Process(target=_random_writer, args=(tmp_path, rng.randrange(2**32), None, sender))
        child.start()
        sender.close()
        for _ in range(rng.randint(1, 3)):  # the child is writing: it has finished some operations
            assert receiver.poll(CHILD_TIMEOUT), f"round {round_number}: the writer reports nothing"
            receiver.recv()
        # The kill's moment is the random thing here, not a wait for a condition: within about
        # one operation's duration, so it lands anywhere inside the next operations.
        time.sleep(rng.uniform(0, 0.004))
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join(CHILD_TIMEOUT)
        receiver.close()
        assert child.exitcode == KILLED, (
            f"round {round_number}: the writer failed (exit code {child.exitcode})"
        )
        _assert_true_state(tmp_path, f"round {round_number}, killed by the parent")
