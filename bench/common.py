"""What every benchmark shares: interleaved rounds, statistics, child processes, the machine.

A benchmark compares a candidate (our code) with a reference (what people would use instead)
on the same input, in the same round, alternating which goes first, so that load from other
processes hits both alike. It reports medians and the median of the per-round ratios
candidate / reference (below 1: ours is faster), with their min-max spread.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MB = 1 << 20
SECONDS = "seconds"
BYTES = "bytes"


@dataclass(frozen=True)
class Stats:
    """Repeated measurements of one thing."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def minimum(self) -> float:
        return min(self.values)

    @property
    def maximum(self) -> float:
        return max(self.values)

    def to_json(self) -> dict[str, Any]:
        return {"values": list(self.values), "median": self.median}


@dataclass(frozen=True)
class Comparison:
    """One case of a benchmark: candidate and reference timed in the same rounds (or measured alike)."""

    case: str
    candidate: str
    reference: str
    candidate_stats: Stats
    reference_stats: Stats
    unit: str = SECONDS

    @property
    def ratios(self) -> Stats:
        """Candidate / reference, round by round (paired, so drifting load cancels out)."""
        return Stats(
            tuple(
                mine / theirs
                for mine, theirs in zip(self.candidate_stats.values, self.reference_stats.values, strict=True)
            )
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "candidate": self.candidate,
            "reference": self.reference,
            "unit": self.unit,
            f"candidate_{self.unit}": self.candidate_stats.to_json(),
            f"reference_{self.unit}": self.reference_stats.to_json(),
            "ratio_median": self.ratios.median,
            "ratio_min": self.ratios.minimum,
            "ratio_max": self.ratios.maximum,
        }


@dataclass
class BenchResult:
    """What one benchmark found, with the conditions it ran in."""

    name: str
    title: str
    comparisons: list[Comparison] = field(default_factory=list)
    # Other numbers worth a line: (what, value as text), e.g. peak RSS.
    measurements: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    conditions: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "comparisons": [comparison.to_json() for comparison in self.comparisons],
            "measurements": [list(item) for item in self.measurements],
            "notes": self.notes,
            "conditions": self.conditions,
        }


Timed = Callable[[], float]


def interleaved(rounds: int, contenders: Mapping[str, Timed]) -> dict[str, Stats]:
    """Call each contender once per round, reversing the order every other round.

    A contender times itself (returns seconds), so its setup and cleanup stay out of the time.
    """
    times: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_number in range(rounds):
        for name in names if round_number % 2 == 0 else reversed(names):
            gc.collect()
            times[name].append(contenders[name]())
    return {name: Stats(tuple(values)) for name, values in times.items()}


def compare(case: str, stats: Mapping[str, Stats], candidate: str, reference: str) -> Comparison:
    return Comparison(case, candidate, reference, stats[candidate], stats[reference])


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


@dataclass(frozen=True)
class ChildRun:
    """A finished child process: wall time, peak resident memory, exit code."""

    seconds: float
    peak_rss_bytes: int
    returncode: int


def run_child(
    argv: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> ChildRun:
    """Run ``argv`` to completion, output discarded, sampling its peak RSS while it runs.

    Neither ``wait4`` nor ``getrusage(RUSAGE_CHILDREN)`` can tell a child's own peak: Linux keeps
    the high-water mark of the memory a process had before ``exec``, and a child spawned with
    ``vfork`` had this process's memory then. ``VmHWM`` in ``/proc/<pid>/status`` is the peak of
    the program's own memory and only grows, so its last reading before the exit is the peak,
    short of whatever the last few milliseconds added.
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sampler = _PeakSampler(process.pid)
    sampler.start()
    _, status, _ = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(seconds, sampler.peak_bytes, process.returncode)


class _PeakSampler(threading.Thread):
    """Reads ``VmHWM`` of one process every few milliseconds until it has no memory left."""

    INTERVAL_SECONDS = 0.005

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.status_file = f"/proc/{pid}/status"
        self.peak_bytes = 0

    def run(self) -> None:
        while True:
            try:
                with open(self.status_file, encoding="ascii", errors="replace") as status:
                    lines = [line for line in status if line.startswith("VmHWM:")]
            except OSError:  # reaped already
                return
            if not lines:  # exiting or a zombie: its memory is gone
                return
            self.peak_bytes = int(lines[0].split()[1]) * 1024
            time.sleep(self.INTERVAL_SECONDS)


def checked_child(argv: Sequence[str], **kwargs: Any) -> ChildRun:
    """``run_child`` that fails loudly: a benchmark of a failing command measures nothing."""
    result = run_child(argv, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed with exit code {result.returncode}: {' '.join(argv)}")
    return result


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder in RAM (``/dev/shm``) when there is one, else in the temp folder.

    A benchmark of our code should not be a benchmark of this machine's disk: here the disk's
    write-back made unpacking twice as slow and its timings vary by 50 %, for every contender.
    """
    base = os.environ.get("BENCH_SCRATCH") or ("/dev/shm" if _usable("/dev/shm") else None)
    with tempfile.TemporaryDirectory(prefix=prefix, dir=base) as folder:
        yield Path(folder)


def _usable(folder: str) -> bool:
    return os.path.isdir(folder) and os.access(folder, os.W_OK)


def settle() -> None:
    """Flush other writes before a timed run, so it does not pay for an earlier one's write-back."""
    os.sync()


def machine() -> dict[str, Any]:
    """Where the numbers come from."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> float:
    return os.getloadavg()[0]


@contextmanager
def conditions(result: BenchResult, scratch: Path | None = None) -> Iterator[None]:
    """Record when it ran, on what, and how busy the machine was before and after."""
    started = datetime.now(timezone.utc)
    load_before = load_average()
    start = time.perf_counter()
    yield
    result.conditions.update(
        date=started.strftime("%Y-%m-%d %H:%M UTC"),
        **machine(),
        load_before=round(load_before, 2),
        load_after=round(load_average(), 2),
        duration_seconds=round(time.perf_counter() - start, 1),
        scratch=str(scratch.parent) if scratch is not None else "",
    )


def python() -> str:
    return sys.executable


def megabytes(size: float) -> str:
    return f"{size / MB:.1f} MB"
