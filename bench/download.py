"""Download + verify: the runner's ``fetch`` of one big asset vs ``curl -o`` then ``sha256sum``.

The candidate is what an init container or the local operator runs:
``python -m airflow_jobs_provider.runner fetch --workspace W --plan '{...sha256...}'`` (a new
interpreter, streaming download, sha256 while it streams, rename once verified, launch file).
The reference is what a shell script would do: ``curl -s -f -o FILE URL && sha256sum FILE``
(C programs, timed as one). Coreutils' ``sha256sum`` may not use the CPU's SHA instructions
(Debian's does not link OpenSSL), so ``openssl dgst -sha256`` stands in for the fastest shell
verification, and ``curl`` alone for the floor of the transfer itself. All fetch from the same
plain HTTP server on 127.0.0.1 (its own process) into the same scratch folder.

The runner's peak RSS is measured for a big and a small asset (``VmHWM`` of that process, see
``bench.common.run_child``): the docs promise memory that does not grow with the asset.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    MB,
    REPO,
    BenchResult,
    Stats,
    Timed,
    checked_child,
    compare,
    conditions,
    interleaved,
    megabytes,
    python,
    scratch_folder,
    settle,
)

_HEX_DIGEST = re.compile(r"\b[0-9a-f]{64}\b")
NAME = "download"
TITLE = "Download + sha256 verification of one asset over HTTP"


@dataclass(frozen=True)
class Sizes:
    asset_bytes: int
    small_asset_bytes: int
    rounds: int
    memory_rounds: int


FULL = Sizes(asset_bytes=200 * MB, small_asset_bytes=20 * MB, rounds=5, memory_rounds=3)
SMOKE = Sizes(asset_bytes=2 * MB, small_asset_bytes=1 * MB, rounds=1, memory_rounds=1)


def run(sizes: Sizes = FULL) -> BenchResult:
    result = BenchResult(NAME, TITLE)
    curl = shutil.which("curl")
    hashers = {
        "sha256sum": [path] if (path := shutil.which("sha256sum")) else None,
        "openssl": [path, "dgst", "-sha256"] if (path := shutil.which("openssl")) else None,
    }
    with scratch_folder("bench-download-") as scratch, conditions(result, scratch):
        served = scratch / "served"
        served.mkdir()
        big_digest = _random_file(served / "big.jar", sizes.asset_bytes)
        small_digest = _random_file(served / "small.jar", sizes.small_asset_bytes)
        with _file_server(served) as base_url:
            big = _Runner(f"{base_url}/big.jar", "big.jar", big_digest, scratch / "workspace")
            contenders: dict[str, Timed] = {"runner": big.fetch}
            plain_curl = None
            if curl:
                url, saved = f"{base_url}/big.jar", scratch / "curl.jar"
                plain_curl = _Curl(curl, None, url, saved, big_digest)
                contenders["curl"] = plain_curl
                for name, hasher in hashers.items():
                    if hasher:
                        contenders[f"curl+{name}"] = _Curl(curl, hasher, url, saved, big_digest)
            stats = interleaved(sizes.rounds, contenders)
            startup = [
                checked_child([*big.argv[:3], "--help"], cwd=REPO, env=big.env)
                for _ in range(sizes.memory_rounds)
            ]
            small = _Runner(f"{base_url}/small.jar", "small.jar", small_digest, scratch / "workspace")
            for _ in range(sizes.memory_rounds):
                small.fetch()
        case = megabytes(sizes.asset_bytes)
        for name in hashers:
            if f"curl+{name}" in stats:
                result.comparisons.append(compare(case, stats, "runner", f"curl+{name}"))
            elif curl:
                result.notes.append(f"{name} is not installed: no curl+{name} reference.")
        if plain_curl is not None:
            result.comparisons.append(
                compare(f"{case}, no verification in the reference", stats, "runner", "curl")
            )
        else:
            result.notes.append("curl is not installed: no reference ran, only the runner's own numbers.")
        result.measurements += [
            (f"runner throughput, {case}", f"{sizes.asset_bytes / MB / stats['runner'].median:.0f} MB/s"),
            (
                "runner start-up alone (`--help`): wall time, peak RSS",
                f"{Stats(tuple(child.seconds for child in startup)).median:.3f} s, "
                + _rss([child.peak_rss_bytes for child in startup]),
            ),
            (f"runner peak RSS, {case} asset", _rss(big.peak_rss)),
            (f"runner peak RSS, {megabytes(sizes.small_asset_bytes)} asset", _rss(small.peak_rss)),
        ]
        if plain_curl is not None:
            result.measurements.append((f"curl peak RSS, {case}", _rss(plain_curl.peak_rss)))
    return result


def _rss(samples: list[int]) -> str:
    stats = Stats(tuple(float(value) for value in samples))
    return f"{megabytes(stats.median)} (min {megabytes(stats.minimum)}, max {megabytes(stats.maximum)})"


def _random_file(path: Path, size: int) -> str:
    """Incompressible bytes (HTTP is not compressed here anyway); returns their sha256."""
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        left = size
        while left:
            chunk = os.urandom(min(left, MB))
            digest.update(chunk)
            out.write(chunk)
            left -= len(chunk)
    return digest.hexdigest()


@contextmanager
def _file_server(folder: Path) -> Iterator[str]:
    server = subprocess.Popen(
        [python(), "-m", "bench.file_server", str(folder)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _runner_environment() -> dict[str, str]:
    """No JOB_RUNNER_* settings or proxies of this shell: the runner's defaults, a direct connection."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("JOB_RUNNER_") and key.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }


class _Runner:
    """``runner fetch`` of one asset with its sha256; keeps each run's peak RSS."""

    def __init__(self, url: str, file_name: str, digest: str, workspace: Path) -> None:
        plan = {"assets": [{"url": url, "file_name": file_name, "sha256": digest}]}
        self.workspace = workspace
        self.argv = [
            python(),
            "-m",
            "airflow_jobs_provider.runner",
            "fetch",
            "--workspace",
            str(workspace),
            "--plan",
            json.dumps(plan),
        ]
        self.env = _runner_environment()
        self.peak_rss: list[int] = []

    def fetch(self) -> float:
        shutil.rmtree(self.workspace, ignore_errors=True)
        settle()
        child = checked_child(self.argv, cwd=REPO, env=self.env)  # exit 0: the checksum matched
        self.peak_rss.append(child.peak_rss_bytes)
        shutil.rmtree(self.workspace, ignore_errors=True)
        return child.seconds


class _Curl:
    """``curl -s -f -o FILE URL``, then ``HASHER FILE`` when given, timed as one; the digest is
    checked after the clock stops."""

    def __init__(self, curl: str, hasher: list[str] | None, url: str, path: Path, digest: str) -> None:
        self.curl = [curl, "-s", "-f", "-o", str(path), url]
        self.hasher = [*hasher, str(path)] if hasher else None
        self.path = path
        self.digest = digest
        self.peak_rss: list[int] = []

    def __call__(self) -> float:
        self.path.unlink(missing_ok=True)
        settle()
        start = time.perf_counter()
        download = checked_child(self.curl)
        if self.hasher is not None:
            verification = subprocess.run(self.hasher, capture_output=True, text=True, check=True)
            seconds = time.perf_counter() - start
            if self.digest not in _HEX_DIGEST.findall(verification.stdout):
                raise RuntimeError(f"{self.hasher[0]} did not find the served file's sha256 in {self.path}")
        else:
            seconds = time.perf_counter() - start
        self.peak_rss.append(download.peak_rss_bytes)
        self.path.unlink()
        return seconds
