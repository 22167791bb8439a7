"""How the runner tells people what happens: short log lines and the termination message."""

from __future__ import annotations

import sys

PREFIX = "[job-runner]"
TERMINATION_LOG_ENV = "JOB_RUNNER_TERMINATION_LOG"
# Kubernetes keeps at most 4096 bytes of a termination message.
_TERMINATION_LOG_LIMIT = 4000


def say(message: str) -> None:
    """One prefixed line on stderr, flushed at once so it lands between the job's lines.

    A log nobody reads any more (the reader died, the pipe closed) must not stop the runner
    from stopping its job or writing the termination log, so write errors are dropped.
    """
    try:
        sys.stderr.write(f"{PREFIX} {message}\n")
        sys.stderr.flush()
    except OSError:
        pass


def warn(message: str) -> None:
    say(f"WARNING: {message}")


def write_termination_log(path: str | None, reason: str) -> None:
    """Leave the failure's reason where Kubernetes (terminationMessagePath) picks it up."""
    if not path:
        return
    line = " ".join(reason.split())[:_TERMINATION_LOG_LIMIT]
    try:
        with open(path, "w", encoding="utf-8") as out:
            out.write(line + "\n")
    except OSError as exc:
        warn(f"could not write the termination log {path}: {exc.strerror or exc}")
