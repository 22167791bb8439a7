"""Run an artifact on the Airflow worker itself, for machines without a cluster."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import psutil
from airflow.exceptions import AirflowException
from airflow.sdk import BaseOperator

from airflow_jobs_provider.artifacts.reference import ArtifactRef
from airflow_jobs_provider.operators.artifact_run import (
    XCOM_FAILURE_KEY,
    as_artifact_ref,
    as_job_args,
    fetch_plan,
    resolve_for_run,
    timeout_reason,
)
from airflow_jobs_provider.operators.config_contents import (
    CONFIG_DIR_ENV,
    read_config_contents,
    write_config_folder,
)
from airflow_jobs_provider.operators.job_environment import run_context_env, validate_job_env
from airflow_jobs_provider.operators.local_runner import LocalRunner
from airflow_jobs_provider.operators.pod_options import InlineConfigFile
from airflow_jobs_provider.runner.settings import GRACE_SECONDS_ENV
from airflow_jobs_provider.runner.unpack import MAX_UNPACKED_BYTES_ENV
from airflow_jobs_provider.settings import max_unpacked_bytes

# Where the config files go, inside the workspace (removed with it after the run).
CONFIG_FOLDER = "config"
# The runner writes one line of at most 4000 characters; the job could write more there.
_TERMINATION_LOG_LIMIT = 8192


class NexusLocalOperator(BaseOperator):
    """Download an artifact, verify and unpack it, and run it as a subprocess of the worker.

    The same runner as in Kubernetes pods does the work, in a temporary workspace removed
    afterwards. Its output streams into the task log; a non-zero exit fails the task;
    a timeout or a kill ends the job's whole process group.

    :param artifact: what to run (an ``ArtifactRef`` or a mapping of its fields).
    :param job_args: arguments given to the job as a list; never split or rendered.
    :param job_env: extra environment variables of the job.
    :param config_files: files written into ``<workspace>/config`` (mode 0600) before the job
        starts; ``JOB_CONFIG_DIR`` names the folder. Secret ones are read from their Variable then.
    :param nexus_conn_id: connection for ``source="nexus"``; default from ``[job_orchestrator]``.
    :param kill_grace_seconds: how long the job gets to stop after SIGTERM before SIGKILL.
    """

    # User values are data: nothing of this operator is rendered by Jinja.
    template_fields: Sequence[str] = ()
    ui_color = "#d9ecf2"

    def __init__(
        self,
        *,
        artifact: ArtifactRef | Mapping[str, Any],
        job_args: Sequence[str] = (),
        job_env: Mapping[str, str] | None = None,
        config_files: Sequence[InlineConfigFile] = (),
        nexus_conn_id: str | None = None,
        kill_grace_seconds: float = 20.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.artifact = as_artifact_ref(artifact)
        self.job_args = as_job_args(job_args)
        self.job_env = validate_job_env(job_env or {})
        self.config_files = _inline_only(config_files)
        self.nexus_conn_id = nexus_conn_id
        self.kill_grace_seconds = kill_grace_seconds
        self._process: subprocess.Popen[bytes] | None = None

    def execute(self, context: Any) -> int:
        source, resolved = resolve_for_run(
            self.artifact, nexus_conn_id=self.nexus_conn_id, context=context, log=self.log
        )
        plan = fetch_plan(resolved, source)
        access = source.download_access()
        job_env = {**self.job_env, **run_context_env(context, resolved)}
        with tempfile.TemporaryDirectory(prefix="job-orchestrator-") as workspace:
            runner = LocalRunner.install(Path(workspace))
            if self.config_files:
                config_folder = runner.workspace / CONFIG_FOLDER
                write_config_folder(config_folder, read_config_contents(self.config_files))
                job_env[CONFIG_DIR_ENV] = str(config_folder)
            # Two processes, as in a pod: the one holding the credentials ends before the job starts.
            fetch = runner.command("fetch", "--plan", plan.to_json())
            login = None
            if access.username is not None:
                fetch.append("--credentials-stdin")
                login = json.dumps({"username": access.username, "password": access.password or ""})
            fetch_env = runner.env({MAX_UNPACKED_BYTES_ENV: str(max_unpacked_bytes())})
            with timeout_reason(context, self.execution_timeout):
                exit_code = self._run(fetch, env=fetch_env, cwd=workspace, stdin=login)
                if exit_code == 0:
                    job_env_file = str(runner.write_job_env(job_env))
                    command = runner.command("exec", "--job-env-file", job_env_file, "--", *self.job_args)
                    exec_env = runner.env({GRACE_SECONDS_ENV: str(self.kill_grace_seconds)})
                    exit_code = self._run(command, env=exec_env, cwd=workspace)
            runner_says = _read_termination_log(runner.termination_log) if exit_code != 0 else ""
        if exit_code != 0:
            reason = _failure_reason(exit_code, runner_says)
            context["ti"].xcom_push(key=XCOM_FAILURE_KEY, value=reason)
            raise AirflowException(f"{resolved.ref.coordinates} ({resolved.version}) failed: {reason}")
        return exit_code

    def _run(self, command: list[str], *, env: dict[str, str], cwd: str, stdin: str | None = None) -> int:
        """One runner process, its output into the task log; ``stdin`` is written to it, then closed."""
        self._process = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            if stdin is not None:
                assert self._process.stdin is not None
                with contextlib.suppress(BrokenPipeError), self._process.stdin:
                    self._process.stdin.write(stdin.encode())
            assert self._process.stdout is not None
            for raw_line in iter(self._process.stdout.readline, b""):
                self.log.info("%s", raw_line.decode("utf-8", errors="replace").rstrip("\n"))
            return self._process.wait()
        finally:
            # A timeout or kill arrives as an exception while we read: stop the job too.
            self._stop_process_group()

    def _stop_process_group(self) -> None:
        """SIGTERM to the runner, which stops the job's process group; SIGKILL what outlives it."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        self.log.warning("Stopping the job (runner pid %s)", process.pid)
        try:
            descendants = psutil.Process(process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            descendants = []
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=self.kill_grace_seconds + 5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for child in descendants:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()

    def on_kill(self) -> None:
        self._stop_process_group()


def _read_termination_log(path: Path) -> str:
    try:
        with path.open("rb") as log:
            return log.read(_TERMINATION_LOG_LIMIT).decode("utf-8", errors="replace").strip()
    except OSError:  # the runner wrote none: it was killed, or failed before it could
        return ""


def _failure_reason(exit_code: int, runner_says: str) -> str:
    """The runner's own sentence (``checksum mismatch for ...``), always with the exit code."""
    if not runner_says:
        return f"the job exited with code {exit_code}"
    if re.search(rf"\bcode {exit_code}\b", runner_says):
        return runner_says
    return f"{runner_says} (exit code {exit_code})"


def _inline_only(config_files: Sequence[InlineConfigFile]) -> tuple[InlineConfigFile, ...]:
    """A Secret or ConfigMap (``ConfigFile``) needs a cluster; repeated names would overwrite."""
    names = [item.file_name for item in config_files]
    for item in config_files:
        if not isinstance(item, InlineConfigFile):
            raise TypeError(
                f"config file {item.file_name!r}: the local operator takes InlineConfigFile only; "
                "files from Secrets or ConfigMaps need NexusKubernetesOperator"
            )
        if names.count(item.file_name) > 1:
            raise ValueError(f"config file name {item.file_name!r} is used twice")
    return tuple(config_files)
