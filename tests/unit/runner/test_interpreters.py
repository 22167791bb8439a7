"""The runner on every Python it claims to support, started as the local operator starts it.

Job images bring their own Python (``python:3.12-slim`` by default, older ones in the wild), and
the standard library changes under the runner: from 3.12 ``HTTPSHandler`` builds a TLS context
of its own, which once made every download from a Nexus with a private CA fail. So the zipapp
runs here on each claimed CPython, found under pyenv: an HTTPS Nexus signed by a throwaway CA,
a login on stdin, checksums, a zip unpacked, then a Python job and a shell job run with the job
variables from a file. A claimed version missing on the machine fails the test: a skip would
hide that the claim went unchecked.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import ssl
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from airflow_jobs_provider.operators.local_runner import PYTHON_OPTIONS
from airflow_jobs_provider.operators.runner_bundle import runner_zipapp
from airflow_jobs_provider.runner import errors
from airflow_jobs_provider.runner.plan import AssetToFetch, FetchPlan
from tests.certificates import CertificateAuthority
from tests.fakes.nexus import FakeNexus

from .support import TRICKY_ARGS, write

# The runner's promise (see runner/__init__.py and test_contract): Python 3.8 and newer.
SUPPORTED_VERSIONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13")
USER, PASSWORD = "ci-reader", "pa:ss wörd"

REPORT_PY = """\
import json, os, sys
print(json.dumps({"python": "%d.%d" % sys.version_info[:2], "argv": sys.argv[1:],
                  "greeting": os.environ.get("GREETING"), "password": os.environ.get("JOB_RUNNER_PASSWORD")}))
"""
TOOL_RUN_SH = '#!/bin/sh\ncd "$(dirname "$0")"\necho "tool ran in $(basename "$PWD") with $# argument(s)"\n'


def pyenv_root() -> Path:
    """Where pyenv keeps its Pythons: ``pyenv root`` when pyenv is on PATH, else $PYENV_ROOT or ~/.pyenv."""
    pyenv = shutil.which("pyenv")
    if pyenv:
        found = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False, timeout=30)
        if found.returncode == 0 and found.stdout.strip():
            return Path(found.stdout.strip())
    return Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def interpreter(version: str) -> Path:
    """The newest installed CPython ``version`` (``3.12`` finds ``versions/3.12.1/bin/python3.12``)."""
    root = pyenv_root()
    found = [
        path
        for path in (root / "versions").glob(f"{version}.*/bin/python{version}")
        if re.fullmatch(rf"{re.escape(version)}\.\d+", path.parents[1].name)
    ]
    if not found:
        pytest.fail(
            f"CPython {version}, which the runner claims to support, is not installed under "
            f"{root / 'versions'}: install it (`pyenv install {version}`) so the claim is tested"
        )
    return max(found, key=lambda path: int(path.parents[1].name.rsplit(".", 1)[1]))


@dataclass(frozen=True)
class TlsNexus:
    nexus: FakeNexus
    ca_bundle: Path
    assets: list[AssetToFetch]


@pytest.fixture(scope="module")
def tls_nexus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsNexus]:
    """A Nexus over HTTPS with a certificate from a private CA, readable only with a login."""
    folder = tmp_path_factory.mktemp("pki")
    authority = CertificateAuthority.create("runner interpreters test CA")
    authority.issue(["127.0.0.1"], folder / "server.pem", folder / "server.key")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "server.pem", folder / "server.key")
    tool = folder / "tool-1.0.zip"
    with zipfile.ZipFile(tool, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("tool/tool_run.sh")
        info.external_attr = 0o755 << 16
        archive.writestr(info, TOOL_RUN_SH)
        archive.writestr("tool/lib/data.txt", "data\n")
    with FakeNexus(users={USER: PASSWORD}, anonymous=False, ssl_context=context) as nexus:
        nexus.add_repository("jobs", format="raw")
        listed = nexus.add_component(
            "jobs", "/etl", "job", "1.0", {"report.py": REPORT_PY.encode(), "tool-1.0.zip": tool.read_bytes()}
        )
        assets = [
            AssetToFetch(
                url=item["downloadUrl"],
                file_name=item["path"].rsplit("/", 1)[1],
                sha256=item["checksum"]["sha256"],
            )
            for item in listed
        ]
        yield TlsNexus(nexus, authority.write_cert(folder / "ca.pem"), assets)


def _runner(
    python: Path, bundle: Path, step: str, workspace: Path, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """One step, started like the local operator starts it: isolated, from a fixed environment."""
    return subprocess.run(
        [str(python), *PYTHON_OPTIONS, str(bundle), step, "--workspace", str(workspace), *args],
        env={"PATH": os.environ["PATH"], "LANG": "C.UTF-8"},
        cwd=workspace.parent,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_runner_fetches_over_tls_and_runs_jobs_on_each_supported_python(
    tmp_path: Path, tls_nexus: TlsNexus, version: str
) -> None:
    python = interpreter(version)
    bundle = tmp_path / "runner.pyz"
    bundle.write_bytes(runner_zipapp())
    workspace = tmp_path / "ws"
    workspace.mkdir()
    plan = FetchPlan(
        tls_nexus.assets, ca_bundle=str(tls_nexus.ca_bundle), credential_origin=tls_nexus.nexus.base_url
    )
    login = json.dumps({"username": USER, "password": PASSWORD})
    job_env = write(tmp_path / "job-env.json", json.dumps({"GREETING": "grüezi"}))

    fetched = _runner(
        python, bundle, "fetch", workspace, "--plan", plan.to_json(), "--credentials-stdin", stdin=login
    )
    assert fetched.returncode == 0, fetched.stderr
    ran = _runner(python, bundle, "exec", workspace, "--job-env-file", str(job_env), "--", *TRICKY_ARGS)

    assert ran.returncode == 0, ran.stderr
    report, tool = ran.stdout.splitlines()
    assert json.loads(report) == {
        "python": version,
        "argv": TRICKY_ARGS,
        "greeting": "grüezi",
        "password": None,
    }
    assert tool == f"tool ran in tool with {len(TRICKY_ARGS)} argument(s)"
    assert "report.py: sha256 verified" in fetched.stderr
    assert "tool-1.0.zip: entrypoint jobs/2-tool-1.0/tool/tool_run.sh, run with bash" in fetched.stderr


@pytest.mark.parametrize("version", SUPPORTED_VERSIONS)
def test_private_ca_is_needed_on_each_supported_python(
    tmp_path: Path, tls_nexus: TlsNexus, version: str
) -> None:
    """Without the plan's ca_bundle the same server is not trusted: the bundle is what made it so."""
    bundle = tmp_path / "runner.pyz"
    bundle.write_bytes(runner_zipapp())
    plan = FetchPlan(tls_nexus.assets[:1], credential_origin=tls_nexus.nexus.base_url)

    fetched = _runner(interpreter(version), bundle, "fetch", tmp_path / "ws", "--plan", plan.to_json())

    assert fetched.returncode == errors.DOWNLOAD_FAILED
    assert "not trusted (unable to get local issuer certificate); give the plan a ca_bundle" in fetched.stderr
