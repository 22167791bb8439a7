"""The fetch step: download, verify, unpack and detect every asset, then write the launch file.

Every asset's kind and checksum are checked before the first download, so an unrunnable
plan fails at once: an asset without any checksum is refused unless the plan allows
unverified assets. The strongest checksum given is verified; one shorter than sha256 (sha1,
md5) is used but logged as weak. A download lands under a temporary name and gets its real
name only once verified, so a file with a wrong checksum never sits where the job could run it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .credentials import Credentials
from .detect import ZIP_EXTENSION, check_supported, extension, launcher_for, zip_entrypoint
from .download import DEFAULT_RETRY, Connection, RetryPolicy, display_url, download
from .errors import ChecksumError
from .launch import LaunchEntry, write_launch
from .plan import DIGEST_LENGTHS, AssetToFetch, FetchPlan
from .report import say, warn
from .unpack import ArchiveLimits, unpack_zip
from .workspace import Workspace

_UNVERIFIED_ALGORITHM = "sha256"


def fetch(
    plan: FetchPlan,
    workspace: Workspace,
    credentials: Credentials | None,
    limits: ArchiveLimits,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> list[LaunchEntry]:
    """Prepare every asset; the launch file exists only once all of them are ready."""
    for asset in plan.assets:
        check_supported(asset.file_name)
        _check_verifiable(asset, plan.allow_unverified)
    with contextlib.suppress(FileNotFoundError):
        workspace.launch_file.unlink()  # a failed fetch must not leave an older run to exec
    workspace.assets_dir.mkdir(parents=True, exist_ok=True)
    connection = Connection(
        credentials, plan.verify_tls, plan.ca_bundle, plan.timeout_seconds, plan.credential_origin
    )
    if credentials is not None and plan.credential_origin is None:
        warn("the plan names no credential_origin, so the credentials are sent to no server")
    entries = []
    for index, asset in enumerate(plan.assets, start=1):
        path = _download_verified(asset, workspace.assets_dir, connection, retry)
        entries.append(_launch_entry(index, asset.file_name, path, workspace, limits))
    write_launch(workspace.launch_file, entries)
    return entries


def _check_verifiable(asset: AssetToFetch, allow_unverified: bool) -> None:
    if asset.expected_digest is None and not allow_unverified:
        raise ChecksumError(
            f"{asset.file_name} has no checksum in the plan (sha256, sha512, sha1 or md5), so it "
            "cannot be verified and is refused; an admin may allow unverified assets with "
            "[job_orchestrator] allow_unverified_assets = true"
        )


def _download_verified(asset: AssetToFetch, folder: Path, connection: Connection, retry: RetryPolicy) -> Path:
    destination = folder / asset.file_name
    partial = folder / f"{asset.file_name}.part"
    expected = asset.expected_digest
    algorithm = expected[0] if expected else _UNVERIFIED_ALGORITHM
    say(f"downloading {asset.file_name} from {display_url(asset.url)}")
    try:
        actual = download(asset.url, partial, algorithm, connection, retry)
        if expected is not None and actual != expected[1]:
            raise ChecksumError(
                f"checksum mismatch for {asset.file_name}: expected {algorithm} {expected[1]}, "
                f"got {actual}; the file was removed"
            )
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    os.replace(partial, destination)
    if expected is None:
        warn(
            f"{asset.file_name} has no checksum in the plan, so it is NOT verified (allowed by the "
            f"plan; sha256 {actual})"
        )
    elif DIGEST_LENGTHS[algorithm] < DIGEST_LENGTHS["sha256"]:
        warn(
            f"{asset.file_name}: verified with {algorithm}, a weak checksum: the plan gives no sha256 "
            "or sha512"
        )
    else:
        say(f"{asset.file_name}: {algorithm} verified")
    return destination


def _launch_entry(
    index: int, asset: str, path: Path, workspace: Workspace, limits: ArchiveLimits
) -> LaunchEntry:
    if extension(asset) == ZIP_EXTENSION:
        folder = workspace.jobs_dir / f"{index}-{path.stem}"
        unpack_zip(path, folder, limits)
        program = zip_entrypoint(folder, asset)
    else:
        program = path
    launcher = launcher_for(program.name)
    entry = LaunchEntry(
        asset=asset,
        interpreter=launcher.interpreter,
        options=launcher.options,
        program=workspace.relative(program),
        cwd=workspace.relative(program.parent),
    )
    say(f"{asset}: entrypoint {entry.program}, run with {entry.interpreter}")
    return entry
