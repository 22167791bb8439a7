"""The fetch plan: the only thing operators tell the runner about an artifact.

It is plain data (URLs, file names, checksums), carried as JSON. Credentials are never part
of it: the runner reads them from its environment, a mounted secret folder or its stdin. The
plan says where they may go (``credential_origin``, the repository's scheme, host and port),
so a URL or a redirect naming another server never gets them.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

# Strongest first: the order checksums are preferred in (the worker's ``CHECKSUM_PREFERENCE``
# too: this module cannot import it), with each one's length in hex digits.
DIGEST_LENGTHS = {"sha256": 64, "sha512": 128, "sha1": 40, "md5": 32}
_HEX = re.compile(r"[0-9a-fA-F]+")


class PlanError(ValueError):
    """The plan is not valid JSON of the expected shape."""


@dataclass(frozen=True)
class AssetToFetch:
    """One file to download into the workspace, then unpack (zips) and run."""

    url: str
    file_name: str
    sha256: str | None = None
    sha1: str | None = None
    sha512: str | None = None
    md5: str | None = None

    @property
    def expected_digest(self) -> tuple[str, str] | None:
        """The strongest checksum given, as (hashlib algorithm, lowercase hex)."""
        for algorithm in DIGEST_LENGTHS:
            value = getattr(self, algorithm)
            if value:
                return algorithm, value.lower()
        return None


@dataclass(frozen=True)
class FetchPlan:
    """Assets in run order, and how to reach the server that holds them."""

    assets: list[AssetToFetch] = field(default_factory=list)
    verify_tls: bool = True
    ca_bundle: str | None = None
    timeout_seconds: float = 60.0
    # The only origin the credentials are sent to; none means they are sent nowhere.
    credential_origin: str | None = None
    # Run an asset that has no checksum at all (``[job_orchestrator] allow_unverified_assets``).
    allow_unverified: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FetchPlan:
        try:
            raw = json.loads(text)
            assets = [AssetToFetch(**item) for item in raw.pop("assets")]
            plan = cls(assets=assets, **raw)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise PlanError(f"the fetch plan is not valid: {exc}") from exc
        _check_plan(plan)
        return plan


def _check_plan(plan: FetchPlan) -> None:
    if not plan.assets:
        raise PlanError("the fetch plan names no asset to run")
    if not isinstance(plan.verify_tls, bool):
        raise PlanError("verify_tls must be true or false")
    if not isinstance(plan.allow_unverified, bool):
        raise PlanError("allow_unverified must be true or false")
    if plan.ca_bundle is not None and not isinstance(plan.ca_bundle, str):
        raise PlanError("ca_bundle must be a path or null")
    _check_origin(plan.credential_origin)
    timeout = plan.timeout_seconds
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise PlanError(f"timeout_seconds must be a positive number, not {timeout!r}")
    seen = set()
    for asset in plan.assets:
        if not isinstance(asset.url, str) or not asset.url:
            raise PlanError(f"asset url {asset.url!r} is not a URL")
        _check_file_name(asset.file_name)
        if asset.file_name in seen:
            raise PlanError(f"asset file name {asset.file_name!r} appears twice in the plan")
        seen.add(asset.file_name)
        for algorithm, length in DIGEST_LENGTHS.items():
            _check_digest(asset.file_name, algorithm, getattr(asset, algorithm), length)


def _check_origin(origin: object) -> None:
    if origin is None:
        return
    problem = f"credential_origin must be an http(s) URL naming a host, or null, not {origin!r}"
    if not isinstance(origin, str):
        raise PlanError(problem)
    parts = urlsplit(origin)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise PlanError(problem) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PlanError(problem)


def _check_file_name(name: object) -> None:
    if (
        not isinstance(name, str)
        or not name
        or name in (".", "..")
        or "/" in name
        or "\\" in name
        or "\x00" in name
    ):
        raise PlanError(f"asset file name {name!r} is not a plain file name")


def _check_digest(file_name: str, algorithm: str, value: object, length: int) -> None:
    if value is None or value == "":
        return
    if not isinstance(value, str) or len(value) != length or not _HEX.fullmatch(value):
        raise PlanError(f"{algorithm} of {file_name!r} must be {length} hex digits, not {value!r}")
