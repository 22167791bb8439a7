"""Stopping the runner stops the job's whole process group, and leaves nothing running."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from airflow_jobs_provider.runner import errors
from airflow_jobs_provider.runner.plan import AssetToFetch
from tests.fakes.nexus import FakeNexus

from .support import PYTHON, asset_for, plan_json, process_gone, runner_command, runner_env, wait_until, write

# The job starts a grandchild, then writes "<own pid> <grandchild pid>" and waits.
JOB = """\
{trap}
{grandchild} &
echo "$$ $!" > "$1.tmp" && mv "$1.tmp" "$1"
wait
"""
SLEEPER = "sleep 600"
STUBBORN = (
    f"{PYTHON} -c 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)'"
)


def _start(tmp_path: Path, script: str, **env: str) -> tuple[subprocess.Popen[str], Path]:
    job = write(tmp_path / "src" / "job.sh", script)
    pids = tmp_path / "pids"
    command = runner_command(
        "run", "--workspace", str(tmp_path / "ws"), "--plan", plan_json([asset_for(job)]), "--", str(pids)
    )
    runner = subprocess.Popen(
        command, env=runner_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return runner, pids


def _job_pids(runner: subprocess.Popen[str], pids: Path) -> list[int]:
    wait_until(lambda: pids.exists() or runner.poll() is not None, "the job to write its pids")
    assert runner.poll() is None, runner.communicate()
    return [int(pid) for pid in pids.read_text().split()]


@pytest.mark.parametrize(
    ("trap", "grandchild", "stop", "code"),
    [
        ("", SLEEPER, signal.SIGTERM, 143),
        ("", SLEEPER, signal.SIGINT, 130),
        # both ignore SIGTERM: the grace period ends with SIGKILL to the group
        ("trap '' TERM", STUBBORN, signal.SIGTERM, 143),
    ],
)
def test_stop_signal_ends_the_jobs_whole_process_group(
    tmp_path: Path, trap: str, grandchild: str, stop: signal.Signals, code: int
) -> None:
    log = tmp_path / "termination-log"
    runner, pids = _start(
        tmp_path,
        JOB.format(trap=trap, grandchild=grandchild),
        JOB_RUNNER_GRACE_SECONDS="1",
        JOB_RUNNER_TERMINATION_LOG=str(log),
    )
    job, descendant = _job_pids(runner, pids)

    runner.send_signal(stop)
    _, stderr = runner.communicate(timeout=60)

    assert runner.returncode == code, stderr
    wait_until(lambda: process_gone(job) and process_gone(descendant), "the job and its child to end")
    reason = f"stopped by {stop.name} while job.sh was running"
    assert f"[job-runner] failed: {reason}" in stderr
    assert log.read_text() == reason + "\n"
    if trap:
        assert "job.sh still ran 1s after SIGTERM; killed it" in stderr


def test_stop_with_the_log_pipe_closed_still_kills_a_job_that_ignores_sigterm(tmp_path: Path) -> None:
    """The reader of the runner's output is gone (a killed worker): logging fails, stopping must not."""
    log = tmp_path / "termination-log"
    runner, pids = _start(
        tmp_path,
        JOB.format(trap="trap '' TERM", grandchild=STUBBORN),
        JOB_RUNNER_GRACE_SECONDS="1",
        JOB_RUNNER_TERMINATION_LOG=str(log),
    )
    job, descendant = _job_pids(runner, pids)
    assert runner.stdout is not None and runner.stderr is not None
    runner.stdout.close()
    runner.stderr.close()

    runner.send_signal(signal.SIGTERM)
    runner.wait(timeout=60)

    wait_until(lambda: process_gone(job) and process_gone(descendant), "the job and its child to end")
    assert runner.returncode == 143
    assert log.read_text() == "stopped by SIGTERM while job.sh was running\n"


def test_processes_left_behind_by_a_finished_job_are_stopped(tmp_path: Path) -> None:
    runner, pids = _start(tmp_path, f'{SLEEPER} &\necho "$$ $!" > "$1"\nexit 0\n')

    _, stderr = runner.communicate(timeout=60)

    assert runner.returncode == 0, stderr
    assert "job.sh left processes running in its process group; stopping them" in stderr
    leftover = int(pids.read_text().split()[1])
    wait_until(lambda: process_gone(leftover), "the leftover process to end")


def test_stop_during_fetch_exits_143_and_keeps_no_partial_file(
    tmp_path: Path, nexus_server: FakeNexus
) -> None:
    nexus_server.add_repository("jobs", format="raw")
    listed = nexus_server.add_component("jobs", None, "job", "1", {"job.py": b"print('hi')\n"})[0]
    nexus_server.hang_next(1, seconds=60)
    plan = plan_json([AssetToFetch(listed["downloadUrl"], "job.py", sha256=listed["checksum"]["sha256"])])
    log = tmp_path / "termination-log"
    runner = subprocess.Popen(
        runner_command("fetch", "--workspace", str(tmp_path / "ws"), "--plan", plan),
        env=runner_env({"JOB_RUNNER_TERMINATION_LOG": str(log)}),
        stderr=subprocess.PIPE,
        text=True,
    )
    assert runner.stderr is not None
    assert "downloading job.py" in runner.stderr.readline()

    runner.send_signal(signal.SIGTERM)
    _, stderr = runner.communicate(timeout=60)

    assert runner.returncode == errors.SIGNAL_BASE + signal.SIGTERM, stderr
    assert log.read_text() == "stopped by SIGTERM\n"
    assert list((tmp_path / "ws" / "assets").iterdir()) == []
