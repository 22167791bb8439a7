"""Helpers for the runner's tests: run the real runner in a subprocess, build plans and jobs."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from airflow_jobs_provider.runner.plan import AssetToFetch, FetchPlan

PYTHON = sys.executable
REPO_ROOT = Path(__file__).resolve().parents[3]

# Arguments a shell would mangle or act upon; each must reach the job unchanged.
TRICKY_ARGS = [
    "plain",
    "with  two spaces",
    'double " quote',
    "single ' quote",
    "back\\slash",
    "line\nbreak",
    "tab\there",
    "",
    "*",
    "$HOME",
    "--workspace",
    "--",
    "-u",
    "ünïcödé ✓ 日本語",
]

# A Python job that prints what it received, as one JSON line.
ECHO_PY = """\
import json, os, sys
print(json.dumps({
    "argv": sys.argv[1:],
    "cwd": os.getcwd(),
    "unbuffered": os.environ.get("PYTHONUNBUFFERED"),
    "password": os.environ.get("JOB_RUNNER_PASSWORD"),
    "username": os.environ.get("JOB_RUNNER_USERNAME"),
    "runner_names": sorted(name for name in os.environ if name.startswith("JOB_RUNNER_")),
    "greeting": os.environ.get("GREETING"),
}))
"""


def shell_attacks(folder: Path) -> tuple[list[str], list[Path]]:
    """Arguments that would create files if any shell evaluated them, and those files."""
    markers = [folder / "pwned-dollar", folder / "pwned-backtick", folder / "pwned-semicolon"]
    args = [
        f"$(touch {markers[0]})",
        f"`touch {markers[1]}`",
        f"; touch {markers[2]}",
    ]
    return args, markers


def echo_shell_script() -> str:
    """A bash job that hands its arguments to Python to print them as JSON."""
    code = shlex.quote(ECHO_PY)
    return f'#!/bin/bash\nexec {shlex.quote(PYTHON)} -c {code} "$@"\n'


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def asset_for(path: Path, *, sha256: bool = True) -> AssetToFetch:
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if sha256 else None
    return AssetToFetch(url=path.as_uri(), file_name=path.name, sha256=digest)


def plan_json(assets: Iterable[AssetToFetch], **options: object) -> str:
    return FetchPlan(assets=list(assets), **options).to_json()  # type: ignore[arg-type]


def runner_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test's environment without proxies (the servers are local) or runner settings."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.lower().endswith("_proxy") and not name.startswith("JOB_RUNNER_")
    }
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.update(extra or {})
    return env


def runner_command(*args: str) -> list[str]:
    return [PYTHON, "-m", "airflow_jobs_provider.runner", *args]


def run_runner(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 120, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        runner_command(*args),
        env=runner_env(env),
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def job_outputs(result: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    """The JSON lines the echo jobs printed (the runner's own lines go to stderr)."""
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll ``condition`` until it holds; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


def process_gone(pid: int) -> bool:
    """Whether ``pid`` no longer runs; a zombie (dead, not yet reaped) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except FileNotFoundError:
        return True
    return stat[stat.rfind(b")") + 2 :].split()[0] in (b"Z", b"X")
