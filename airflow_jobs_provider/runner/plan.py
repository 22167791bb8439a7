"""The fetch plan: the only thing operators tell the runner about an artifact.

It is plain data (URLs, file names, checksums), carried as JSON. Credentials are never part
of it: the runner reads them from its environment or a mounted secret folder.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import List, Optional


class PlanError(ValueError):
    """The plan is not valid JSON of the expected shape."""


@dataclass(frozen=True)
class AssetToFetch:
    """One file to download into the workspace, then unpack (zips) and run."""

    url: str
    file_name: str
    sha256: Optional[str] = None
    sha1: Optional[str] = None


@dataclass(frozen=True)
class FetchPlan:
    """Assets in run order, and how to reach the server that holds them."""

    assets: List[AssetToFetch] = field(default_factory=list)
    verify_tls: bool = True
    ca_bundle: Optional[str] = None
    timeout_seconds: float = 60.0

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
        if not plan.assets:
            raise PlanError("the fetch plan names no asset to run")
        for asset in plan.assets:
            _check_file_name(asset.file_name)
        return plan


def _check_file_name(name: str) -> None:
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise PlanError(f"asset file name {name!r} is not a plain file name")
