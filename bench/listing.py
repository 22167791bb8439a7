"""Spec store listing: ``SpecStore.list()`` vs reading the same files with PyYAML alone.

``list()`` runs at every parse of the generator file (and for every ``GET /deployments``). It
reads each ``<name>.yaml``, parses it (PyYAML's C loader when built in), checks the envelope
(format, revision, who, when) and validates the spec against the admin's policy with pydantic.
The references read and parse the same files and do nothing else: ``yaml.load`` with the
pure-Python ``SafeLoader`` (what ``yaml.safe_load`` is) and with ``CSafeLoader``. So the ratio
to ``CSafeLoader`` is the cost of the store's checks on top of the parsing it cannot avoid.
The store is given its policy (``bench.specs.POLICY``), so no Airflow configuration is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from airflow_jobs_provider.deployments.secrets import InMemorySecretSink
from airflow_jobs_provider.deployments.store import SpecStore, StoredDeployment
from bench.common import BenchResult, Timed, compare, conditions, interleaved, scratch_folder, timed
from bench.specs import POLICY, write_specs

NAME = "listing"
TITLE = "Listing the specs folder"


@dataclass(frozen=True)
class Sizes:
    specs: int
    rounds: int


FULL = Sizes(specs=300, rounds=7)
SMOKE = Sizes(specs=3, rounds=1)


def run(sizes: Sizes = FULL) -> BenchResult:
    result = BenchResult(NAME, TITLE)
    with scratch_folder("bench-listing-") as scratch, conditions(result, scratch):
        folder = scratch / "specs"
        write_specs(folder, sizes.specs)
        store = SpecStore(folder, secrets=InMemorySecretSink(), policy=POLICY)
        contenders: dict[str, Timed] = {
            "SpecStore.list": lambda: timed(lambda: _check_listed(store, sizes.specs)),
            "yaml SafeLoader": lambda: timed(lambda: _load_all(folder, yaml.SafeLoader)),
        }
        c_loader = getattr(yaml, "CSafeLoader", None)
        if c_loader is not None:
            contenders["yaml CSafeLoader"] = lambda: timed(lambda: _load_all(folder, c_loader))
        else:
            result.notes.append("PyYAML has no C loader here (no libyaml): compared with SafeLoader only.")
        stats = interleaved(sizes.rounds, contenders)
        case = f"{sizes.specs} specs"
        result.comparisons.append(compare(case, stats, "SpecStore.list", "yaml SafeLoader"))
        if c_loader is not None:
            result.comparisons.append(compare(case, stats, "SpecStore.list", "yaml CSafeLoader"))
            checks = stats["SpecStore.list"].median - stats["yaml CSafeLoader"].median
            result.measurements.append(
                ("cost of the store's checks per spec (medians)", f"{checks / sizes.specs * 1e3:.2f} ms")
            )
        result.measurements.append(
            ("SpecStore.list per spec", f"{stats['SpecStore.list'].median / sizes.specs * 1e3:.2f} ms")
        )
    return result


def _check_listed(store: SpecStore, count: int) -> None:
    entries = store.list()
    if len(entries) != count or not all(isinstance(entry, StoredDeployment) for entry in entries):
        raise RuntimeError(f"the store listed {len(entries)} entries, not {count} valid deployments")


def _load_all(folder: Path, loader: type[yaml.SafeLoader]) -> None:
    """What a plain script would do: every ``*.yaml`` in name order, parsed."""
    for path in sorted(folder.glob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
