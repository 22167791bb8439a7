"""Run a script in a child Airflow process and read back the one JSON line it reports.

The child's Airflow is configured only by what the test passes (``child_environment``), so
nothing of this pytest process's configuration or imports leaks in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
MARKER = "CHILD-RESULT "


def run_in_child(script: str, *args: str, env: dict[str, str], timeout: float = 300) -> Any:
    """Run ``script`` (which prints ``MARKER`` + JSON) with ``args``; fail with its output if it fails."""
    completed = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    line = next((line for line in completed.stdout.splitlines() if line.startswith(MARKER)), None)
    assert completed.returncode == 0 and line, completed.stdout[-3000:] + completed.stderr[-5000:]
    return json.loads(line.removeprefix(MARKER))
