"""Every way the runner itself fails, and the exit code each one gives, in one place.

A job's own exit code passes through unchanged, so the runner's codes sit away from the
usual ones. The reason of each failure is one line: it goes to the log and to the
Kubernetes termination message.

====  =======================================================
code  meaning
====  =======================================================
0     every job succeeded
2     usage: bad command line, plan, settings or credentials
90    download failed
91    checksum mismatch, or no checksum to verify against
92    archive refused (unsafe or damaged)
93    no entrypoint (nothing runnable, or ambiguous)
94    workspace not fetched (no or bad launch file)
95    system error the runner did not expect (disk full, permission denied)
126   the job could not be started
127   the job's interpreter is not on PATH
128+N  the runner was stopped by signal N, or the job was killed by it
other the job's own exit code
====  =======================================================
"""

from __future__ import annotations

import signal

USAGE = 2
DOWNLOAD_FAILED = 90
CHECKSUM_MISMATCH = 91
ARCHIVE_REFUSED = 92
NO_ENTRYPOINT = 93
NOT_FETCHED = 94
SYSTEM_ERROR = 95
CANNOT_EXECUTE = 126
INTERPRETER_MISSING = 127
SIGNAL_BASE = 128


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


class RunnerError(Exception):
    """A failure with a one-line reason and the exit code it gives."""

    exit_code = 1

    def __init__(self, reason: str, exit_code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(RunnerError):
    exit_code = USAGE


class DownloadError(RunnerError):
    exit_code = DOWNLOAD_FAILED


class ChecksumError(RunnerError):
    exit_code = CHECKSUM_MISMATCH


class ArchiveError(RunnerError):
    exit_code = ARCHIVE_REFUSED


class EntrypointError(RunnerError):
    exit_code = NO_ENTRYPOINT


class NotFetchedError(RunnerError):
    exit_code = NOT_FETCHED


class CannotExecuteError(RunnerError):
    exit_code = CANNOT_EXECUTE


class InterpreterMissingError(RunnerError):
    exit_code = INTERPRETER_MISSING


class JobFailedError(RunnerError):
    """The job ran and failed: its exit code becomes the runner's."""


class TerminatedError(RunnerError):
    """The runner was asked to stop (SIGTERM, SIGINT)."""

    def __init__(self, signum: int, while_doing: str = "") -> None:
        reason = f"stopped by {signal_name(signum)} {while_doing}".rstrip()
        super().__init__(reason, SIGNAL_BASE + signum)
