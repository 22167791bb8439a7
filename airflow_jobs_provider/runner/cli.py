"""The command line: ``fetch``, ``exec``, and ``run`` (fetch then exec in one process).

Everything after ``--`` goes to the job unchanged, so no job argument is ever read as one
of the runner's options. Credentials are never options: see ``credentials``. The job's own
variables come in a file (``--job-env-file``), never as the runner's environment.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import NoReturn

from .credentials import Credentials, load_credentials, read_credentials
from .errors import SYSTEM_ERROR, RunnerError, UsageError
from .execute import run_jobs
from .fetch import fetch
from .job_env import read_job_env_file
from .launch import read_launch
from .plan import FetchPlan, PlanError
from .report import TERMINATION_LOG_ENV, say, write_termination_log
from .settings import Settings
from .stopping import StopSignals
from .workspace import Workspace

PLAN_ENV = "JOB_RUNNER_PLAN"


class _Parser(argparse.ArgumentParser):
    """Usage errors become ``UsageError``, so they reach the termination log too."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} ({self.format_usage().strip()})")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="job-runner", description="Fetch a build artifact and run it.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for name, summary, fetches, executes in (
        ("fetch", "download, verify and unpack the plan's assets into the workspace", True, False),
        ("exec", "run what fetch prepared, with the arguments after --", False, True),
        ("run", "fetch, then exec", True, True),
    ):
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument("--workspace", required=True, help="folder shared by fetch and exec")
        if fetches:
            source = command.add_mutually_exclusive_group()
            source.add_argument("--plan", help=f"the fetch plan as JSON (default: ${PLAN_ENV})")
            source.add_argument("--plan-file", help="a file holding the fetch plan")
            login = command.add_mutually_exclusive_group()
            login.add_argument("--credentials-dir", help="folder with files 'username' and 'password'")
            login.add_argument(
                "--credentials-stdin",
                action="store_true",
                help='read {"username": ..., "password": ...} from standard input',
            )
        if executes:
            command.add_argument(
                "--job-env-file", help="JSON object of environment variables for the job only"
            )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit code (the job's own when the job fails)."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    options, job_args = _split(arguments)
    try:
        with StopSignals() as stop:
            parsed = _parser().parse_args(options)
            return _dispatch(parsed, job_args, os.environ, stop)
    except RunnerError as exc:
        return _failed(exc.reason, exc.exit_code)
    except OSError as exc:
        return _failed(f"system error: {exc}", SYSTEM_ERROR)


def _failed(reason: str, exit_code: int) -> int:
    say(f"failed: {reason}")
    write_termination_log(os.environ.get(TERMINATION_LOG_ENV), reason)
    return exit_code


def _split(arguments: list[str]) -> tuple[list[str], list[str]]:
    if "--" in arguments:
        cut = arguments.index("--")
        return arguments[:cut], arguments[cut + 1 :]
    return arguments, []


def _dispatch(
    parsed: argparse.Namespace, job_args: list[str], environ: Mapping[str, str], stop: StopSignals
) -> int:
    settings = Settings.from_env(environ)
    workspace = Workspace(parsed.workspace)
    if parsed.command == "fetch" and job_args:
        raise UsageError("fetch takes no job arguments; give them to exec")
    if parsed.command in ("fetch", "run"):
        plan = _load_plan(parsed, environ)
        if parsed.credentials_stdin:
            credentials: Credentials | None = read_credentials(sys.stdin)
        else:
            credentials = load_credentials(environ, parsed.credentials_dir)
        fetch(plan, workspace, credentials, settings.limits)
    if parsed.command in ("exec", "run"):
        entries = read_launch(workspace.launch_file)
        job_env = read_job_env_file(parsed.job_env_file) if parsed.job_env_file else {}
        run_jobs(
            workspace,
            entries,
            job_args=job_args,
            environ=environ,
            job_env=job_env,
            grace_seconds=settings.grace_seconds,
            stop=stop,
        )
    return 0


def _load_plan(parsed: argparse.Namespace, environ: Mapping[str, str]) -> FetchPlan:
    if parsed.plan is not None:
        text = parsed.plan
    elif parsed.plan_file is not None:
        try:
            with open(parsed.plan_file, encoding="utf-8") as plan_file:
                text = plan_file.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read the plan file {parsed.plan_file!r}: {exc}") from None
    elif environ.get(PLAN_ENV):
        text = environ[PLAN_ENV]
    else:
        raise UsageError(f"no fetch plan: give --plan, --plan-file or ${PLAN_ENV}")
    try:
        return FetchPlan.from_json(text)
    except PlanError as exc:
        raise UsageError(str(exc)) from None
