"""One checksum policy: the worker's order and the runner's copy of it (stdlib-only) agree."""

from __future__ import annotations

import itertools

import pytest

from airflow_jobs_provider.artifacts.checksum import CHECKSUM_PREFERENCE, strongest_checksum
from airflow_jobs_provider.artifacts.reference import AssetInfo
from airflow_jobs_provider.operators.artifact_run import asset_to_fetch
from airflow_jobs_provider.runner.plan import DIGEST_LENGTHS, AssetToFetch

DIGESTS = {"sha256": "A" * 64, "sha512": "b" * 128, "sha1": "c" * 40, "md5": "d" * 32}
EVERY_SUBSET = [
    subset for size in range(len(DIGESTS) + 1) for subset in itertools.combinations(DIGESTS, size)
]


def test_the_runner_prefers_checksums_in_the_workers_order() -> None:
    assert tuple(DIGEST_LENGTHS) == CHECKSUM_PREFERENCE


@pytest.mark.parametrize("listed", EVERY_SUBSET, ids=lambda subset: "+".join(subset) or "none")
def test_worker_and_runner_pick_the_same_checksum(listed: tuple[str, ...]) -> None:
    digests = {algorithm: DIGESTS[algorithm] for algorithm in listed}
    asset = AssetInfo(path="jobs/x.py", download_url="https://nexus/x.py", **digests)

    picked = strongest_checksum(asset)

    assert AssetToFetch(url=asset.download_url, file_name="x.py", **digests).expected_digest == picked
    assert asset_to_fetch(asset).expected_digest == picked


def test_the_plan_carries_only_the_checksum_the_worker_picked() -> None:
    asset = AssetInfo(path="jobs/x.py", download_url="https://nexus/x.py", sha1="C" * 40, md5="d" * 32)

    assert asset_to_fetch(asset) == AssetToFetch(url="https://nexus/x.py", file_name="x.py", sha1="c" * 40)
