"""Lay out the example jobs as a local artifact source: <root>/<repository>/<group>/<name>/<version>/<file>.

Used by the embedded demo and by tests, so both run the same artifacts. The Talend-style
folder is zipped here, the way Talend Studio exports a job.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
REPOSITORY = "examples"
GROUP = "org.example.jobs"
_FIXED_TIMESTAMP = (2024, 1, 1, 0, 0, 0)


def _zip_folder(folder: Path, destination: Path) -> None:
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo.from_file(path, path.relative_to(folder.parent).as_posix())
                info.date_time = _FIXED_TIMESTAMP  # same bytes, same checksum, at every seeding
                archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)


def seed(root: Path) -> list[Path]:
    """Write the example artifacts under ``root`` (idempotent) and return the files written."""
    base = root / REPOSITORY / GROUP
    written: list[Path] = []

    def place(name: str, version: str, source: Path, file_name: str) -> None:
        target = base / name / version / file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        target.chmod(0o755 if file_name.endswith(".sh") else 0o644)
        written.append(target)

    for version in ("1.0.0", "1.1.0"):
        place("hello-python", version, EXAMPLES / "hello-python" / "hello.py", "hello.py")
    place("disk-report", "0.3.0", EXAMPLES / "disk-report" / "disk-report.sh", "disk-report.sh")
    zip_target = base / "customer-sync" / "2.0.1" / "customer-sync-2.0.1.zip"
    zip_target.parent.mkdir(parents=True, exist_ok=True)
    _zip_folder(EXAMPLES / "customer-sync" / "CustomerSync", zip_target)
    written.append(zip_target)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python examples/seed.py ARTIFACTS_ROOT")
    for path in seed(Path(sys.argv[1])):
        print(f"seeded {path}")
