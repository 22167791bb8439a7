"""Write the plugin API's OpenAPI description to openapi.json, the source of the typed client.

``python plugins/ui/export_openapi.py`` then ``npm run codegen``; ``--check`` exits 1 when the
committed file no longer matches the API (a test runs it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from airflow_jobs_provider.plugin.app import create_app

OPENAPI_FILE = Path(__file__).with_name("openapi.json")


def openapi_text() -> str:
    return json.dumps(create_app().openapi(), indent=2, sort_keys=True) + "\n"


def main(arguments: list[str]) -> int:
    current = openapi_text()
    if arguments == ["--check"]:
        if OPENAPI_FILE.read_text() == current:
            return 0
        print(f"{OPENAPI_FILE} is stale: run python {__file__} and npm run codegen", file=sys.stderr)
        return 1
    OPENAPI_FILE.write_text(current)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
