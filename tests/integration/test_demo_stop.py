"""``scripts/demo.sh`` stops on Ctrl-C and on SIGTERM, promptly, and leaves no process behind.

``airflow standalone`` alone leaves components running after Ctrl-C (apache/airflow#19260);
the script stops standalone's whole process group itself. Ctrl-C in a terminal signals the
script's process group, which the test does too.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

import psutil
import pytest

from tests.integration.airflow_stack import AirflowClient, free_port, stop_process_tree, tail, wait_until
from tests.integration.test_demo import (
    BANNER_LOGIN,
    REPO,
    _listening,
    _processes_with_home,
    _user_environment,
)

pytestmark = pytest.mark.integration

STOP_GRACE = 20  # seconds the script gives standalone's components after SIGTERM
EXIT_STATUS = {signal.SIGINT: 130, signal.SIGTERM: 143}


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_demo_stops_cleanly(tmp_path: Path, stop_signal: signal.Signals) -> None:
    home, port = tmp_path / "demo", free_port()
    output = tmp_path / "demo.out"
    env = {**_user_environment(home, port), "STOP_GRACE": str(STOP_GRACE)}
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [str(REPO / "scripts" / "demo.sh")],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def check_running() -> None:
        if process.poll() is not None:
            raise RuntimeError(f"demo.sh exited with {process.returncode}:\n{tail(output, 120)}")

    try:
        banner = wait_until(
            lambda: BANNER_LOGIN.search(output.read_text(errors="replace")),
            timeout=600,
            description="the banner",
            check=check_running,
        )
        text = output.read_text(errors="replace")
        assert (
            f"http://localhost:{port}/plugin/job-orchestrator/" in text
        )  # the banner says where the pages are
        client = AirflowClient(f"http://127.0.0.1:{port}", "admin", banner.group(1), check=check_running)
        client.wait_healthy(("metadatabase", "scheduler", "dag_processor", "triggerer"), timeout=240)
        client.session.close()
        running = _processes_with_home(home)
        assert len(running) > 3  # the script, standalone and its components

        os.killpg(process.pid, stop_signal)
        # A deadline, not a measurement: the grace period plus the SIGKILL and the reaping.
        process.wait(timeout=STOP_GRACE + 30)
        assert process.returncode == EXIT_STATUS[stop_signal], tail(output, 60)
        assert "Stopped." in output.read_text(errors="replace")
        assert _processes_with_home(home) == []
        assert not _listening(port)
    finally:
        leftovers = stop_process_tree(process.pid, grace=5)
        for stray in _processes_with_home(home):
            with contextlib.suppress(psutil.Error):
                stray.kill()
        print(f"demo.sh output (last lines):\n{tail(output, 40)}")
        assert not leftovers
