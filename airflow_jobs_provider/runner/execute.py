"""Run the launch file's jobs in order, each in its own process group, and supervise them.

The job inherits stdout and stderr, so its output streams straight to the pod or task log.
Its arguments are an argv list, never a shell string. Each job starts a new session, so a
stop reaches everything it started: SIGTERM to the group, then SIGKILL after the grace
period. The first failure stops the sequence and its exit code becomes the runner's.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .detect import CURRENT_PYTHON
from .errors import (
    SIGNAL_BASE,
    CannotExecuteError,
    InterpreterMissingError,
    JobFailedError,
    TerminatedError,
    signal_name,
)
from .job_env import job_environment
from .launch import LaunchEntry
from .report import say
from .stopping import StopSignals, signal_group
from .workspace import Workspace

_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class _Command:
    entry: LaunchEntry
    argv: list[str]
    cwd: Path


def run_jobs(
    workspace: Workspace,
    entries: list[LaunchEntry],
    *,
    job_args: list[str],
    environ: Mapping[str, str],
    job_env: Mapping[str, str],
    grace_seconds: float,
    stop: StopSignals,
) -> None:
    """Run every job or raise the first failure; interpreters are checked before any starts."""
    env = job_environment(environ, job_env)
    commands = [_command(workspace, entry, job_args, env) for entry in entries]
    with stop.supervising():
        for position, command in enumerate(commands, start=1):
            entry = command.entry
            if stop.signum is not None:
                raise TerminatedError(stop.signum, f"before {entry.asset} started")
            say(
                f"running {entry.asset} ({position}/{len(commands)}): {entry.interpreter} "
                f"{entry.program} with {len(job_args)} argument(s), in {entry.cwd}"
            )
            code = _supervise(command, env, grace_seconds, stop)
            if stop.signum is not None:
                raise TerminatedError(stop.signum, f"while {entry.asset} was running")
            if code < 0:
                raise JobFailedError(f"{entry.asset} was killed by {signal_name(-code)}", SIGNAL_BASE - code)
            if code > 0:
                raise JobFailedError(f"{entry.asset} exited with code {code}", code)
            say(f"{entry.asset} succeeded")


def _command(workspace: Workspace, entry: LaunchEntry, job_args: list[str], env: dict[str, str]) -> _Command:
    if entry.interpreter == CURRENT_PYTHON:
        interpreter = sys.executable
    else:
        interpreter = shutil.which(entry.interpreter, path=env.get("PATH", os.defpath)) or ""
    if not interpreter:
        raise InterpreterMissingError(
            f"{entry.asset} needs `{entry.interpreter}` on PATH; "
            "the runner image (or this machine) does not have it"
        )
    argv = [interpreter, *entry.options, str(workspace.resolve(entry.program)), *job_args]
    return _Command(entry, argv, workspace.resolve(entry.cwd))


def _supervise(command: _Command, env: dict[str, str], grace_seconds: float, stop: StopSignals) -> int:
    """Start the job in a new session, wait for it, then end whatever it left in its group."""
    try:
        process = subprocess.Popen(command.argv, cwd=command.cwd, env=env, start_new_session=True)
    except OSError as exc:
        raise CannotExecuteError(f"cannot start {command.entry.asset}: {exc.strerror or exc}") from None
    stop.forward_to(process.pid)
    try:
        code = _wait(process, command.entry.asset, grace_seconds, stop)
        _end_group(process.pid, command.entry.asset, grace_seconds, stop)
    finally:
        stop.forget_group()
    return code


def _wait(process: subprocess.Popen[bytes], asset: str, grace_seconds: float, stop: StopSignals) -> int:
    while True:
        try:
            return process.wait(timeout=_POLL_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        if stop.signum is not None and time.monotonic() >= stop.received_at + grace_seconds:
            signal_group(process.pid, signal.SIGKILL)  # before anything that could fail
            say(f"{asset} still ran {grace_seconds:g}s after {signal_name(stop.signum)}; killed it")
            return process.wait()


def _end_group(group: int, asset: str, grace_seconds: float, stop: StopSignals) -> None:
    """Stop processes the job left in its group, so none outlives the task."""
    if not _group_alive(group):
        return
    if stop.signum is None:
        signal_group(group, signal.SIGTERM)
        say(f"{asset} left processes running in its process group; stopping them")
        deadline = time.monotonic() + grace_seconds
    else:
        deadline = stop.received_at + grace_seconds
    while _group_alive(group):
        if time.monotonic() >= deadline:
            signal_group(group, signal.SIGKILL)
            return
        time.sleep(_POLL_SECONDS)


def _group_alive(group: int) -> bool:
    """Whether a process of ``group`` still runs; zombies, already dead, do not count."""
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:  # no /proc: ask the kernel, zombies included
        try:
            os.killpg(group, 0)
        except OSError:
            return False
        return True
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as stat_file:
                stat = stat_file.read()
        except OSError:
            continue
        # After the command name in parentheses: state, parent pid, process group.
        state, _, process_group = stat[stat.rfind(b")") + 2 :].split()[:3]
        if int(process_group) == group and state not in (b"Z", b"X"):
            return True
    return False
