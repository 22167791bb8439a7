"""A spec as the store hands it out after a deploy, for the DAG builder, generator and export tests."""

from __future__ import annotations

import copy
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from airflow_jobs_provider.deployments.spec import validate_spec
from airflow_jobs_provider.deployments.store import StoredDeployment
from tests.unit.deployments.conftest import POLICY, VALID_SPEC

DEPLOYED_AT = datetime(2024, 5, 1, 10, 30, tzinfo=timezone.utc)


def deployed(revision: int = 3, deployed_by: str = "ci-bot", **changes: Any) -> StoredDeployment:
    """``VALID_SPEC`` with ``changes``, checked against the test policy, deployed at ``DEPLOYED_AT``."""
    spec = validate_spec({**copy.deepcopy(VALID_SPEC), **changes}, POLICY)
    return StoredDeployment(
        spec=spec,
        revision=revision,
        deployed_by=deployed_by,
        deployed_at=DEPLOYED_AT,
        changes=(),
        path=Path(f"/specs/{spec.name}.yaml"),
    )
