"""Safe unpack: the runner's ``unpack_zip`` vs unchecked ``ZipFile.extractall`` and ``unzip``.

The archive looks like a big Talend export: thousands of small files in folders (``lib/``,
contexts, scripts) and a few big jars. The candidate checks every entry (no ``..``, absolute
path or drive letter, the real parent folder inside the root, no duplicate, ``O_EXCL`` and
``O_NOFOLLOW``, bytes counted against the size and ratio limits, permission bits filtered).
``ZipFile.extractall`` is the same library doing the same decompression without those checks,
so the ratio is the price of the checks; ``unzip`` (C) is what a shell script would use. Python
contenders run in this process, ``unzip`` as a child; all write into the same RAM folder.
"""

from __future__ import annotations

import base64
import random
import shutil
import stat
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from airflow_jobs_provider.runner.unpack import ArchiveLimits, unpack_zip
from bench.common import (
    BenchResult,
    Timed,
    compare,
    conditions,
    interleaved,
    megabytes,
    scratch_folder,
    settle,
    timed,
)

NAME = "unpack"
TITLE = "Safe unpacking of a zip with many files"


@dataclass(frozen=True)
class Sizes:
    small_files: int
    big_files: int
    big_file_bytes: int
    rounds: int


FULL = Sizes(small_files=5000, big_files=3, big_file_bytes=8 << 20, rounds=5)
SMOKE = Sizes(small_files=20, big_files=1, big_file_bytes=64 << 10, rounds=1)


def run(sizes: Sizes = FULL) -> BenchResult:
    result = BenchResult(NAME, TITLE)
    with scratch_folder("bench-unpack-") as scratch, conditions(result, scratch):
        archive = scratch / "job.zip"
        entries, unpacked_bytes = _make_archive(archive, sizes)
        target = scratch / "out"
        contenders: dict[str, Timed] = {
            "unpack_zip": _Unpack(target, lambda: unpack_zip(archive, target, ArchiveLimits())),
            "extractall": _Unpack(target, lambda: _extract_all(archive, target)),
        }
        unzip = shutil.which("unzip")
        if unzip:
            command = [unzip, "-q", "-o", str(archive), "-d", str(target)]
            contenders["unzip"] = _Unpack(
                target, lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            )
        else:
            result.notes.append("unzip is not installed: compared with ZipFile.extractall only.")
        stats = interleaved(sizes.rounds, contenders)
        case = f"{entries} entries, {megabytes(unpacked_bytes)} unpacked ({megabytes(archive.stat().st_size)} zip)"
        result.comparisons.append(compare(case, stats, "unpack_zip", "extractall"))
        if unzip:
            result.comparisons.append(compare(case, stats, "unpack_zip", "unzip"))
        overhead = stats["unpack_zip"].median - stats["extractall"].median
        result.measurements.append(
            ("cost of the checks per entry (medians)", f"{overhead / entries * 1e6:.0f} µs")
        )
    return result


class _Unpack:
    """One contender: an empty target before, the unpacking timed, the tree removed after."""

    def __init__(self, target: Path, action: Callable[[], object]) -> None:
        self.target = target
        self.action = action

    def __call__(self) -> float:
        shutil.rmtree(self.target, ignore_errors=True)
        settle()
        seconds = timed(self.action)
        shutil.rmtree(self.target)
        return seconds


def _extract_all(archive: Path, target: Path) -> None:
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(target)


def _make_archive(path: Path, sizes: Sizes) -> tuple[int, int]:
    """Deterministic content: text that compresses like code and config (about 4:3)."""
    rng = random.Random(20240601)
    unpacked = 0
    entries = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes, mode: int = 0o644) -> None:
            nonlocal unpacked, entries
            info = zipfile.ZipInfo(name, date_time=(2024, 6, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | mode) << 16
            archive.writestr(info, data)
            unpacked += len(data)
            entries += 1

        add("customer_sync/customer_sync_run.sh", b"#!/bin/sh\nexec java -jar lib/big0.jar\n", 0o755)
        for number in range(sizes.small_files):
            text = base64.b64encode(rng.randbytes(rng.randint(150, 3000)))
            add(f"customer_sync/lib/part{number % 50:02d}/file{number:05d}.properties", text)
        for number in range(sizes.big_files):
            add(f"customer_sync/lib/big{number}.jar", base64.b64encode(rng.randbytes(sizes.big_file_bytes)))
    return entries, unpacked
