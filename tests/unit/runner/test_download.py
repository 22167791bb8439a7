"""Downloads from a Nexus 3 (the simulator in tests/fakes): auth, redirects, retries, checksums."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from airflow_jobs_provider.runner import errors
from airflow_jobs_provider.runner.credentials import Credentials
from airflow_jobs_provider.runner.download import Connection, RetryPolicy, download
from airflow_jobs_provider.runner.errors import DownloadError
from airflow_jobs_provider.runner.fetch import fetch
from airflow_jobs_provider.runner.plan import AssetToFetch, FetchPlan
from airflow_jobs_provider.runner.unpack import ArchiveLimits
from airflow_jobs_provider.runner.workspace import Workspace
from tests.fakes.nexus import FakeNexus
from tests.local_servers import serving

from .support import ECHO_PY, job_outputs, plan_json, run_runner, write

USER, PASSWORD = "ci-reader", "pa:ss wörd"
JOB = ECHO_PY.encode()
FAST_RETRY = RetryPolicy(attempts=3, first_delay=0.0)


@pytest.fixture
def nexus(nexus_server: FakeNexus) -> FakeNexus:
    """The simulator with one job published, readable only with a login."""
    nexus_server.users = {USER: PASSWORD}
    nexus_server.anonymous = False
    nexus_server.add_repository("jobs", format="raw")
    nexus_server.add_component("jobs", "/etl", "echo", "1.0", {"echo.py": JOB})
    return nexus_server


def _asset(nexus: FakeNexus, *, url: str | None = None, **checksums: str) -> AssetToFetch:
    listed = nexus.add_component("jobs", "/etl", "echo", "1.0", {"echo.py": JOB})[0]
    if not checksums:
        checksums = {"sha256": listed["checksum"]["sha256"]}
    return AssetToFetch(url=url or listed["downloadUrl"], file_name="echo.py", **checksums)


def _search_url(base_url: str) -> str:
    return f"{base_url}/service/rest/v1/search/assets/download?repository=jobs&name=echo&version=1.0"


def _run(
    tmp_path: Path,
    asset: AssetToFetch,
    *extra: str,
    origin: str | None = None,
    allow_unverified: bool = False,
    **env: str,
) -> Any:
    """Run the plan of ``asset``, whose credentials may go to ``origin`` (default: the fake Nexus)."""
    plan = plan_json(
        [asset], credential_origin=origin or _origin_of(asset.url), allow_unverified=allow_unverified
    )
    return run_runner("run", "--workspace", str(tmp_path / "ws"), "--plan", plan, *extra, "--", "ok", env=env)


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _downloads(nexus: FakeNexus) -> list[tuple[str, str | None, bool, int]]:
    return [(entry.path, entry.user, entry.authorization, entry.status) for entry in nexus.requests]


def test_basic_auth_from_the_environment(tmp_path: Path, nexus: FakeNexus) -> None:
    result = _run(tmp_path, _asset(nexus), JOB_RUNNER_USERNAME=USER, JOB_RUNNER_PASSWORD=PASSWORD)

    assert result.returncode == 0, result.stderr
    assert job_outputs(result)[0]["argv"] == ["ok"]
    assert _downloads(nexus) == [("/repository/jobs/etl/echo.py", USER, True, 200)]
    assert PASSWORD not in result.stderr + result.stdout


def test_basic_auth_from_standard_input(tmp_path: Path, nexus: FakeNexus) -> None:
    """The local operator's way: nothing the job can read later (environment, disk) holds them."""
    login = json.dumps({"username": USER, "password": PASSWORD})

    result = run_runner(
        "fetch",
        "--workspace",
        str(tmp_path / "ws"),
        "--plan",
        plan_json([_asset(nexus)], credential_origin=nexus.base_url),
        "--credentials-stdin",
        stdin=login,
    )

    assert result.returncode == 0, result.stderr
    assert _downloads(nexus) == [("/repository/jobs/etl/echo.py", USER, True, 200)]


@pytest.mark.parametrize("login", ["", "{}", '{"username": "", "password": "x"}', '["u", "p"]'])
def test_bad_credentials_on_standard_input_are_a_usage_error(
    tmp_path: Path, nexus: FakeNexus, login: str
) -> None:
    plan = plan_json([_asset(nexus)], credential_origin=nexus.base_url)

    result = run_runner(
        "fetch", "--workspace", str(tmp_path), "--plan", plan, "--credentials-stdin", stdin=login
    )

    assert result.returncode == errors.USAGE
    assert "the credentials on standard input" in result.stderr
    assert nexus.requests == []


def test_basic_auth_from_a_mounted_secret_folder(tmp_path: Path, nexus: FakeNexus) -> None:
    secret = tmp_path / "secret"
    write(secret / "username", USER + "\n")
    write(secret / "password", PASSWORD + "\n")

    result = _run(tmp_path, _asset(nexus), "--credentials-dir", str(secret))

    assert result.returncode == 0, result.stderr
    assert _downloads(nexus) == [("/repository/jobs/etl/echo.py", USER, True, 200)]


def test_search_download_redirect_keeps_auth_on_the_same_host(tmp_path: Path, nexus: FakeNexus) -> None:
    asset = _asset(nexus, url=_search_url(nexus.base_url))

    result = _run(tmp_path, asset, JOB_RUNNER_USERNAME=USER, JOB_RUNNER_PASSWORD=PASSWORD)

    assert result.returncode == 0, result.stderr
    assert _downloads(nexus) == [
        ("/service/rest/v1/search/assets/download", USER, True, 302),
        ("/repository/jobs/etl/echo.py", USER, True, 200),
    ]


def test_redirect_to_another_host_name_drops_auth(tmp_path: Path, nexus: FakeNexus) -> None:
    """localhost and 127.0.0.1 are the same machine but not the same origin."""
    nexus.anonymous = True
    asset = _asset(nexus, url=_search_url(f"http://localhost:{nexus.port}"))

    result = _run(tmp_path, asset, JOB_RUNNER_USERNAME=USER, JOB_RUNNER_PASSWORD=PASSWORD)

    assert result.returncode == 0, result.stderr
    assert _downloads(nexus) == [
        ("/service/rest/v1/search/assets/download", USER, True, 302),
        ("/repository/jobs/etl/echo.py", None, False, 200),
    ]


class _Redirector(BaseHTTPRequestHandler):
    """Answers every GET with a redirect, remembering the Authorization headers it got."""

    location = ""
    seen: list[str | None]

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        self.send_response(302)
        self.send_header("Location", self.location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def redirector() -> Iterator[tuple[ThreadingHTTPServer, type[_Redirector]]]:
    handler = type("Redirector", (_Redirector,), {"seen": []})
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as server:
        yield server, handler


def test_redirect_from_the_credential_origin_elsewhere_never_carries_the_password(
    tmp_path: Path, nexus: FakeNexus, redirector: tuple[ThreadingHTTPServer, type[_Redirector]]
) -> None:
    server, handler = redirector
    nexus.anonymous = True
    handler.location = f"http://localhost:{nexus.port}/repository/jobs/etl/echo.py"
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    asset = _asset(nexus, url=f"{origin}/download/echo.py")

    result = _run(tmp_path, asset, origin=origin, JOB_RUNNER_USERNAME=USER, JOB_RUNNER_PASSWORD=PASSWORD)

    assert result.returncode == 0, result.stderr
    assert handler.seen == [Credentials(USER, PASSWORD).authorization]
    assert _downloads(nexus) == [("/repository/jobs/etl/echo.py", None, False, 200)]


def test_asset_url_on_another_origin_gets_no_password_until_redirected_to_the_origin(
    tmp_path: Path, nexus: FakeNexus, redirector: tuple[ThreadingHTTPServer, type[_Redirector]]
) -> None:
    """The plan's URL does not decide where the password goes: the credential origin does."""
    server, handler = redirector
    handler.location = f"{nexus.base_url}/repository/jobs/etl/echo.py"
    asset = _asset(nexus, url=f"http://127.0.0.1:{server.server_address[1]}/download/echo.py")

    result = _run(
        tmp_path, asset, origin=nexus.base_url, JOB_RUNNER_USERNAME=USER, JOB_RUNNER_PASSWORD=PASSWORD
    )

    assert result.returncode == 0, result.stderr
    assert handler.seen == [None]
    assert _downloads(nexus) == [("/repository/jobs/etl/echo.py", USER, True, 200)]


def test_asset_elsewhere_refused_for_lack_of_login_says_where_credentials_go(
    tmp_path: Path, nexus: FakeNexus
) -> None:
    other = f"http://localhost:{nexus.port}"
    asset = _asset(nexus, url=f"{other}/repository/jobs/etl/echo.py")

    result = _run(
        tmp_path, asset, origin=nexus.base_url, JOB_RUNNER_USERNAME=USER, JOB_RUNNER_PASSWORD=PASSWORD
    )

    assert result.returncode == errors.DOWNLOAD_FAILED
    assert f"the credentials are sent only to {nexus.base_url}, and this URL is elsewhere" in result.stderr
    assert _downloads(nexus) == [("/repository/jobs/etl/echo.py", None, False, 401)]


def test_plan_without_a_credential_origin_sends_the_password_nowhere(
    tmp_path: Path, nexus: FakeNexus
) -> None:
    plan = plan_json([_asset(nexus)])

    result = run_runner(
        "fetch",
        "--workspace",
        str(tmp_path / "ws"),
        "--plan",
        plan,
        env={"JOB_RUNNER_USERNAME": USER, "JOB_RUNNER_PASSWORD": PASSWORD},
    )

    assert result.returncode == errors.DOWNLOAD_FAILED
    assert "the plan names no credential_origin, so the credentials are sent to no server" in result.stderr
    assert [(entry.user, entry.authorization) for entry in nexus.requests] == [(None, False)]


@pytest.mark.parametrize(
    ("url", "sent"),
    [
        ("https://nexus.example:443/repository/x.zip", True),
        ("https://NEXUS.example/repository/x.zip", True),
        ("http://nexus.example/repository/x.zip", False),  # a downgrade to plain http
        ("http://nexus.example:443/repository/x.zip", False),
        ("https://nexus.example:8443/repository/x.zip", False),
        ("https://nexus.example.evil/repository/x.zip", False),
        ("https://user@other.example/@nexus.example/x.zip", False),
    ],
)
def test_credentials_go_to_the_exact_origin_only(url: str, sent: bool) -> None:
    connection = Connection(Credentials(USER, PASSWORD), credential_origin="https://nexus.example")

    assert (connection.authorization_for(url) is not None) is sent


def test_wrong_password_fails_at_once_with_a_clear_message(tmp_path: Path, nexus: FakeNexus) -> None:
    asset = _asset(nexus)

    result = _run(tmp_path, asset, JOB_RUNNER_USERNAME=USER, JOB_RUNNER_PASSWORD="wrong-password")

    assert result.returncode == errors.DOWNLOAD_FAILED
    assert (
        f"download of {asset.url} refused: HTTP 401 Unauthorized: the username or password is wrong"
        in result.stderr
    )
    assert "wrong-password" not in result.stderr
    assert len(nexus.requests) == 1


def test_no_credentials_says_so(tmp_path: Path, nexus: FakeNexus) -> None:
    result = _run(tmp_path, _asset(nexus))

    assert result.returncode == errors.DOWNLOAD_FAILED
    assert "HTTP 401 Unauthorized: no credentials were given" in result.stderr


def test_server_error_is_retried_then_succeeds(tmp_path: Path, nexus: FakeNexus) -> None:
    nexus.fail_next(1, 503)

    result = _run(tmp_path, _asset(nexus), JOB_RUNNER_USERNAME=USER, JOB_RUNNER_PASSWORD=PASSWORD)

    assert result.returncode == 0, result.stderr
    assert "failed (HTTP 503 Service Unavailable); try 2 in 1s" in result.stderr
    assert [status for *_, status in _downloads(nexus)] == [503, 200]


def test_not_found_is_not_retried(tmp_path: Path, nexus: FakeNexus) -> None:
    asset = AssetToFetch(
        url=f"{nexus.base_url}/repository/jobs/etl/gone.py", file_name="gone.py", sha256="0" * 64
    )

    result = _run(tmp_path, asset, JOB_RUNNER_USERNAME=USER, JOB_RUNNER_PASSWORD=PASSWORD)

    assert result.returncode == errors.DOWNLOAD_FAILED
    assert f"download of {asset.url} refused: HTTP 404 Not Found: there is no such file" in result.stderr
    assert len(nexus.requests) == 1


def test_retries_are_bounded(tmp_path: Path, nexus: FakeNexus) -> None:
    nexus.fail_next(5, 502)
    connection = Connection(Credentials(USER, PASSWORD), credential_origin=nexus.base_url)

    with pytest.raises(DownloadError, match=r"failed after 3 tries: HTTP 502 Bad Gateway"):
        download(_asset(nexus).url, tmp_path / "echo.py", "sha256", connection, FAST_RETRY)
    assert len(nexus.requests) == 3


def test_connection_refused_is_retried_then_reported(tmp_path: Path) -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        port = closed.server_address[1]  # bound, then closed: nobody listens there

    with pytest.raises(DownloadError, match=r"failed after 3 tries: \[Errno 111\] Connection refused"):
        download(f"http://127.0.0.1:{port}/x.py", tmp_path / "x.py", "sha256", Connection(), FAST_RETRY)


def test_timeout_is_retried(tmp_path: Path, nexus: FakeNexus) -> None:
    nexus.hang_next(1, seconds=5)
    connection = Connection(
        Credentials(USER, PASSWORD), timeout_seconds=0.5, credential_origin=nexus.base_url
    )
    target = tmp_path / "echo.py"

    digest = download(_asset(nexus).url, target, "sha256", connection, FAST_RETRY)

    assert digest == hashlib.sha256(JOB).hexdigest()
    assert target.read_bytes() == JOB


def _fetch(tmp_path: Path, asset: AssetToFetch) -> Workspace:
    workspace = Workspace(str(tmp_path / "ws"))
    fetch(
        FetchPlan([asset], credential_origin=_origin_of(asset.url)),
        workspace,
        Credentials(USER, PASSWORD),
        ArchiveLimits(),
        FAST_RETRY,
    )
    return workspace


def test_checksum_mismatch_is_refused_and_the_file_removed(tmp_path: Path, nexus: FakeNexus) -> None:
    asset = _asset(nexus)
    nexus.replace_content("jobs", "etl/echo.py", b"print('tampered')\n")
    log = tmp_path / "termination-log"

    result = _run(
        tmp_path,
        asset,
        JOB_RUNNER_USERNAME=USER,
        JOB_RUNNER_PASSWORD=PASSWORD,
        JOB_RUNNER_TERMINATION_LOG=str(log),
    )

    actual = hashlib.sha256(b"print('tampered')\n").hexdigest()
    reason = (
        f"checksum mismatch for echo.py: expected sha256 {asset.sha256}, got {actual}; the file was removed"
    )
    assert result.returncode == errors.CHECKSUM_MISMATCH
    assert f"[job-runner] failed: {reason}" in result.stderr
    assert log.read_text() == reason + "\n"
    assert result.stdout == ""
    assert list((tmp_path / "ws" / "assets").iterdir()) == []


@pytest.mark.parametrize(
    ("algorithm", "logged"),
    [
        ("sha512", "[job-runner] echo.py: sha512 verified"),
        (
            "sha1",
            "[job-runner] WARNING: echo.py: verified with sha1, a weak checksum: the plan gives no sha256 or sha512",
        ),
        (
            "md5",
            "[job-runner] WARNING: echo.py: verified with md5, a weak checksum: the plan gives no sha256 or sha512",
        ),
    ],
)
def test_each_other_checksum_alone_is_verified_a_weak_one_logged_and_a_mismatch_refused(
    tmp_path: Path, nexus: FakeNexus, algorithm: str, logged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = nexus.add_component("jobs", "/etl", "echo", "1.0", {"echo.py": JOB}, checksums=[algorithm])[0]
    assert list(listed["checksum"]) == [algorithm]
    listed_digest = listed["checksum"][algorithm]
    good = AssetToFetch(url=listed["downloadUrl"], file_name="echo.py", **{algorithm: listed_digest})
    wrong = hashlib.new(algorithm, b"other").hexdigest()
    bad = AssetToFetch(url=listed["downloadUrl"], file_name="echo.py", **{algorithm: wrong})

    workspace = _fetch(tmp_path / "good", good)
    log = capsys.readouterr().err.splitlines()
    with pytest.raises(errors.ChecksumError) as refused:
        _fetch(tmp_path / "bad", bad)

    assert (workspace.assets_dir / "echo.py").read_bytes() == JOB
    assert logged in log
    assert refused.value.reason == (
        f"checksum mismatch for echo.py: expected {algorithm} {wrong}, got {listed_digest}; "
        "the file was removed"
    )
    assert refused.value.exit_code == errors.CHECKSUM_MISMATCH
    assert not (tmp_path / "bad" / "ws" / "assets" / "echo.py").exists()


def test_asset_without_checksum_is_refused_before_any_download(tmp_path: Path, nexus: FakeNexus) -> None:
    unchecked = AssetToFetch(url=_asset(nexus).url, file_name="echo.py")
    log = tmp_path / "termination-log"
    nexus.clear_requests()

    result = _run(
        tmp_path,
        unchecked,
        JOB_RUNNER_USERNAME=USER,
        JOB_RUNNER_PASSWORD=PASSWORD,
        JOB_RUNNER_TERMINATION_LOG=str(log),
    )

    reason = (
        "echo.py has no checksum in the plan (sha256, sha512, sha1 or md5), so it cannot be verified "
        "and is refused; an admin may allow unverified assets with [job_orchestrator] "
        "allow_unverified_assets = true"
    )
    assert result.returncode == errors.CHECKSUM_MISMATCH
    assert f"[job-runner] failed: {reason}" in result.stderr
    assert log.read_text() == reason + "\n"
    assert result.stdout == ""
    assert nexus.requests == []
    assert not (tmp_path / "ws" / "assets" / "echo.py").exists()


def test_asset_without_checksum_runs_unverified_when_the_plan_allows_it(
    tmp_path: Path, nexus: FakeNexus
) -> None:
    unchecked = AssetToFetch(url=_asset(nexus).url, file_name="echo.py")

    result = _run(
        tmp_path, unchecked, allow_unverified=True, JOB_RUNNER_USERNAME=USER, JOB_RUNNER_PASSWORD=PASSWORD
    )

    assert result.returncode == 0, result.stderr
    sha256 = hashlib.sha256(JOB).hexdigest()
    assert (
        f"WARNING: echo.py has no checksum in the plan, so it is NOT verified (allowed by the plan; "
        f"sha256 {sha256})"
    ) in result.stderr
    assert job_outputs(result)[0]["argv"] == ["ok"]
