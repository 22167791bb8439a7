"""Write the `[job_orchestrator]` configuration reference of docs/admin-guide.md from
`get_provider_info()`, so the guide can never disagree with the defaults Airflow uses.

    .venv/bin/python scripts/config_reference.py           # rewrite the section
    .venv/bin/python scripts/config_reference.py --check   # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from airflow_jobs_provider.get_provider_info import get_provider_info

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "admin-guide.md"
SECTION = "job_orchestrator"
START = "<!-- config-reference:start (written by scripts/config_reference.py; do not edit) -->"
END = "<!-- config-reference:end -->"


def _cell(text: str) -> str:
    """Text for one table cell: one line, `|` escaped, and `<`, `>`, `&` outside code spans
    written as entities so that no placeholder like <repository> is read as HTML."""
    pieces = " ".join(text.split()).split("`")
    for index in range(0, len(pieces), 2):  # even pieces lie outside code spans
        pieces[index] = pieces[index].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "`".join(pieces).replace("|", "\\|")


def _code(value: str) -> str:
    return f"`{value}`" if value else "empty"


def render(options: Mapping[str, Mapping[str, Any]]) -> str:
    """One table row per option, in the order the provider declares them."""
    rows = [
        "| option | environment variable | type | default | description |",
        "|---|---|---|---|---|",
    ]
    for name, option in options.items():
        description = option["description"]
        if option.get("example"):
            description += f" Example: `{option['example']}`."
        rows.append(
            f"| `{name}` | `AIRFLOW__{SECTION.upper()}__{name.upper()}` | {option['type']} "
            f"| {_cell(_code(option['default']))} | {_cell(description)} |"
        )
    return "\n".join(rows)


def with_reference(guide_text: str, reference: str) -> str:
    """``guide_text`` with the part between the markers replaced by ``reference``."""
    before, start, rest = guide_text.partition(START)
    _, end, after = rest.partition(END)
    if not start or not end:
        raise ValueError(f"the guide lacks the markers {START!r} and {END!r}")
    return f"{before}{START}\n{reference}\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only tell whether the guide is up to date")
    parser.add_argument(
        "--guide", type=Path, default=GUIDE, help="the guide to update (default: %(default)s)"
    )
    arguments = parser.parse_args(argv)
    current = arguments.guide.read_text(encoding="utf-8")
    expected = with_reference(current, render(get_provider_info()["config"][SECTION]["options"]))
    if current == expected:
        return 0
    if arguments.check:
        print(
            f"{arguments.guide}: the configuration reference differs from get_provider_info(); "
            "run: .venv/bin/python scripts/config_reference.py",
            file=sys.stderr,
        )
        return 1
    arguments.guide.write_text(expected, encoding="utf-8")
    print(f"updated the configuration reference in {arguments.guide}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
