"""The command line: ``fetch``, ``exec``, and ``run`` (fetch then exec, for local runs).

Everything after ``--`` goes to the job unchanged, so no job argument is ever read as one
of the runner's options. Credentials are never options: see ``credentials``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import NoReturn

from .credentials import load_credentials
from .errors import SYSTEM_ERROR, RunnerError, UsageError
from .execute import run_jobs
from .fetch import fetch
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
    for name, summary, fetches in (
        ("fetch", "download, verify and unpack the plan's assets into the workspace", True),
        ("exec", "run what fetch prepared, with the arguments after --", False),
        ("run", "fetch, then exec", True),
    ):
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument("--workspace", required=True, help="folder shared by fetch and exec")
        if fetches:
            source = command.add_mutually_exclusive_group()
            source.add_argument("--plan", help=f"the fetch plan as JSON (default: ${PLAN_ENV})")
            source.add_argument("--plan-file", help="a file holding the fetch plan")
            command.add_argument("--credentials-dir", help="folder with files 'username' and 'password'")
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
        credentials = load_credentials(environ, parsed.credentials_dir)
        fetch(plan, workspace, credentials, settings.limits)
    if parsed.command in ("exec", "run"):
        entries = read_launch(workspace.launch_file)
        run_jobs(
            workspace,
            entries,
            job_args=job_args,
            environ=environ,
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
