"""Ship the runner into job pods without a custom image.

The runner package is standard-library only, so it travels as a zipapp inside the init
container's environment. A fixed bootstrap writes it into the shared workspace, where the
main container (any image with python3) runs it too. The runner in the pod is therefore always
the one of the operator that built the pod.
"""

from __future__ import annotations

import base64
import io
import zipfile
from functools import cache
from pathlib import Path

BUNDLE_PACKAGE = "job_runner"
BUNDLE_ENV = "JOB_RUNNER_BUNDLE"
WORKSPACE_ENV = "JOB_RUNNER_WORKSPACE"
BUNDLE_RELATIVE_PATH = ".job-runner/runner.pyz"

# Fixed code, never formatted with user data: it reads the bundle and workspace from env.
BOOTSTRAP = (
    "import base64, os, runpy, sys\n"
    "target = os.path.join(os.environ['JOB_RUNNER_WORKSPACE'], '.job-runner', 'runner.pyz')\n"
    "os.makedirs(os.path.dirname(target), exist_ok=True)\n"
    "with open(target, 'wb') as out:\n"
    "    out.write(base64.b64decode(os.environ['JOB_RUNNER_BUNDLE']))\n"
    "sys.argv = [target] + sys.argv[1:]\n"
    "runpy.run_path(target, run_name='__main__')\n"
)

_MAIN = f"import sys\nfrom {BUNDLE_PACKAGE}.cli import main\nsys.exit(main())\n"
_FIXED_TIMESTAMP = (2020, 1, 1, 0, 0, 0)


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIMESTAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


@cache
def runner_zipapp() -> bytes:
    """The runner package as a deterministic zipapp (same bytes for the same code)."""
    runner_dir = Path(__file__).resolve().parent.parent / "runner"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _add(archive, "__main__.py", _MAIN.encode())
        for source in sorted(runner_dir.glob("*.py")):
            if source.name == "__main__.py":
                continue
            _add(archive, f"{BUNDLE_PACKAGE}/{source.name}", source.read_bytes())
    return buffer.getvalue()


def runner_zipapp_base64() -> str:
    return base64.b64encode(runner_zipapp()).decode("ascii")
