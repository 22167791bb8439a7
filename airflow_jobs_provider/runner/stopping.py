"""What SIGTERM and SIGINT do to the runner: an orderly stop instead of an abrupt death.

While a job runs, the signal is passed on as SIGTERM to the job's whole process group (the
job's own children included) and the supervising loop takes it from there. Otherwise (while
downloading, say) the signal stops the runner with exit code 128+N. The handlers also matter
because the runner may be PID 1 of a container, which gets no default signal handling.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from types import FrameType, TracebackType
from typing import Any

from .errors import TerminatedError

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def signal_group(group: int, signum: int) -> None:
    """Signal a process group that may already be gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


class StopSignals:
    """Installed for the runner's lifetime; remembers the first stop signal and when it came."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.received_at = 0.0
        self._supervising = False
        self._group: int | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        for signum in _STOP_SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    @contextlib.contextmanager
    def supervising(self) -> Iterator[None]:
        """While a job starts and runs, a signal is recorded and forwarded, never raised."""
        self._supervising = True
        try:
            yield
        finally:
            self._supervising = False

    def forward_to(self, group: int) -> None:
        """Send later signals to ``group``, and one now if a signal came while it started."""
        self._group = group
        if self.signum is not None:
            signal_group(group, signal.SIGTERM)

    def forget_group(self) -> None:
        self._group = None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum
            self.received_at = time.monotonic()
        if self._group is not None:
            signal_group(self._group, signal.SIGTERM)
        elif not self._supervising:
            raise TerminatedError(signum)
