"""The Nexus client against the simulator: paging, versions, assets, downloads and every failure."""

from __future__ import annotations

import hashlib
import socket
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from airflow_jobs_provider.artifacts.errors import (
    ArtifactError,
    ChecksumMismatchError,
    InvalidContinuationTokenError,
)
from airflow_jobs_provider.artifacts.reference import AssetInfo
from airflow_jobs_provider.hooks.nexus_client import NexusClient
from airflow_jobs_provider.hooks.nexus_errors import (
    NexusAuthError,
    NexusConnectionError,
    NexusForbiddenError,
    NexusNotFoundError,
    NexusPagingError,
    NexusResponseError,
    NexusTimeoutError,
    NexusTLSError,
)
from tests.fakes.nexus import FakeNexus

PASSWORD = "s3cret-Passw0rd"


class Sleeps(list[float]):
    """Records backoff delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def nexus() -> Iterator[FakeNexus]:
    with FakeNexus(users={"alice": PASSWORD, "bob": "bobs-password"}, anonymous=False) as server:
        server.add_repository("releases")
        server.add_repository("snapshots")
        yield server


@pytest.fixture
def client(nexus: FakeNexus, sleeps: Sleeps) -> Iterator[NexusClient]:
    with NexusClient(
        nexus.base_url, auth=("alice", PASSWORD), timeout=5, sleep=sleeps, connection_name="connection 'nx'"
    ) as nexus_client:
        yield nexus_client


def add_job(
    nexus: FakeNexus, version: str, *, name: str = "job", group: str = "org.example", **kw: object
) -> dict:
    (asset,) = nexus.add_component(
        "releases", group, name, version, {f"{name}-{version}.zip": f"{name} {version}".encode()}, **kw
    )
    return asset


def test_repositories_are_listed_by_name(client: NexusClient) -> None:
    repositories = client.list_repositories()
    assert [r.name for r in repositories] == ["releases", "snapshots"]
    assert repositories[0].format == "maven2" and repositories[0].type == "hosted"
    assert repositories[0].url.endswith("/repository/releases")


def test_search_returns_one_page_grouped_by_component(nexus: FakeNexus, client: NexusClient) -> None:
    for version in ("1.9", "1.10", "1.0-SNAPSHOT"):
        add_job(nexus, version)
    add_job(nexus, "2.0", name="report")
    page = client.search("releases")
    assert page.continuation_token is None
    assert [(c.group, c.name, c.versions) for c in page.components] == [
        ("org.example", "job", ("1.10", "1.9", "1.0-SNAPSHOT")),
        ("org.example", "report", ("2.0",)),
    ]
    assert "q" not in nexus.requests[-1].query


def test_search_pages_follow_the_continuation_token(nexus: FakeNexus, client: NexusClient) -> None:
    nexus.search_page_size = 3
    for index in range(5):
        add_job(nexus, f"1.{index}", name=f"job{index}")
    first = client.search("releases", "job*")
    assert len(first.components) == 3 and first.continuation_token
    second = client.search("releases", "job*", first.continuation_token)
    assert [c.name for c in second.components] == ["job3", "job4"]
    assert second.continuation_token is None
    assert nexus.requests[-1].query["q"] == ["job*"]


def test_a_token_of_another_search_is_an_invalid_token(nexus: FakeNexus, client: NexusClient) -> None:
    nexus.search_page_size = 1
    add_job(nexus, "1")
    add_job(nexus, "2")
    token = client.search("releases").continuation_token
    with pytest.raises(InvalidContinuationTokenError):
        client.search("releases", "other", token)


def test_versions_follow_every_page_and_keep_only_this_component(
    nexus: FakeNexus, client: NexusClient
) -> None:
    nexus.search_page_size = 2
    for version in ("1.0", "1.10", "1.9", "2.0-rc.1", "2.0"):
        add_job(nexus, version)
    add_job(nexus, "9.9", group="org.other")
    add_job(nexus, "9.9", name="JOB")  # Nexus matches names case-insensitively
    assert client.versions("releases", "org.example", "job") == ["2.0", "2.0-rc.1", "1.10", "1.9", "1.0"]
    searches = [r for r in nexus.requests if r.path.endswith("/search")]
    assert len(searches) == 4  # 6 matching components in pages of 2, and the empty page Nexus adds


def test_versions_without_group_keep_only_groupless_components(nexus: FakeNexus, client: NexusClient) -> None:
    nexus.add_component("releases", None, "tool", "1.0", {"tool.sh": b"#!/bin/sh"})
    nexus.add_component("releases", "org.example", "tool", "2.0", {"tool-2.0.sh": b"#!/bin/sh"})
    assert client.versions("releases", "", "tool") == ["1.0"]
    assert "group" not in nexus.requests[-1].query


def test_versions_past_the_page_bound_are_an_error_not_a_silent_cut(nexus: FakeNexus, sleeps: Sleeps) -> None:
    nexus.search_page_size = 2
    for index in range(10):
        add_job(nexus, f"1.{index}")
    capped = NexusClient(nexus.base_url, auth=("alice", PASSWORD), max_pages=2, sleep=sleeps)
    with pytest.raises(
        NexusPagingError, match=r"more than 2 pages; raise \[job_orchestrator\] nexus_max_pages"
    ):
        capped.versions("releases", "org.example", "job")
    roomy = NexusClient(nexus.base_url, auth=("alice", PASSWORD), max_pages=6, sleep=sleeps)
    assert roomy.versions("releases", "org.example", "job")[:2] == ["1.9", "1.8"]


def test_the_default_page_bound_reads_a_thousand_versions(nexus: FakeNexus, client: NexusClient) -> None:
    for index in range(1001):  # pages of 50: the old cap of 20 pages dropped the 1001st
        add_job(nexus, f"1.{index}")
    versions = client.versions("releases", "org.example", "job")
    assert len(versions) == 1001 and versions[0] == "1.1000"


def test_assets_of_a_version(nexus: FakeNexus, client: NexusClient) -> None:
    data = b"PK job"
    nexus.add_component(
        "releases", "org.example", "job", "1.2", {"job-1.2.zip": data, "job-1.2.pom": b"<p/>"}
    )
    assets = client.assets("releases", "org.example", "job", "1.2")
    zip_asset = next(a for a in assets if a.file_name == "job-1.2.zip")
    assert zip_asset.path == "org/example/job/1.2/job-1.2.zip"
    assert zip_asset.download_url == f"{nexus.base_url}/repository/releases/org/example/job/1.2/job-1.2.zip"
    assert zip_asset.sha256 == hashlib.sha256(data).hexdigest()
    assert zip_asset.sha1 == hashlib.sha1(data).hexdigest()
    assert zip_asset.size == len(data) and zip_asset.content_type == "application/zip"
    assert zip_asset.last_modified


def test_assets_of_a_missing_version_are_not_found(nexus: FakeNexus, client: NexusClient) -> None:
    add_job(nexus, "1.0")
    with pytest.raises(NexusNotFoundError, match=r"org.example:job:1.1 is not in repository 'releases'"):
        client.assets("releases", "org.example", "job", "1.1")


class TestDownload:
    def test_a_verified_download_lands_under_its_name(
        self, nexus: FakeNexus, client: NexusClient, tmp_path: Path
    ) -> None:
        add_job(nexus, "1.0")
        (asset,) = client.assets("releases", "org.example", "job", "1.0")
        client.download(asset, tmp_path / asset.file_name)
        assert (tmp_path / "job-1.0.zip").read_bytes() == b"job 1.0"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["job-1.0.zip"]

    def test_a_corrupt_download_is_deleted(
        self, nexus: FakeNexus, client: NexusClient, tmp_path: Path
    ) -> None:
        listed = add_job(nexus, "1.0")
        nexus.replace_content("releases", listed["path"], b"tampered")
        (asset,) = client.assets("releases", "org.example", "job", "1.0")
        with pytest.raises(ChecksumMismatchError, match="sha256"):
            client.download(asset, tmp_path / asset.file_name)
        assert list(tmp_path.iterdir()) == []

    def test_sha1_verifies_when_nexus_gives_no_sha256(
        self, nexus: FakeNexus, client: NexusClient, tmp_path: Path
    ) -> None:
        listed = add_job(nexus, "1.0", checksums=("sha1", "md5"))
        (asset,) = client.assets("releases", "org.example", "job", "1.0")
        assert asset.sha256 is None and asset.sha1
        client.download(asset, tmp_path / "ok.zip")
        nexus.replace_content("releases", listed["path"], b"tampered")
        with pytest.raises(ChecksumMismatchError, match="sha1"):
            client.download(asset, tmp_path / "bad.zip")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.zip"]

    @pytest.mark.parametrize(
        ("listed", "used"),
        [
            (("sha1", "md5", "sha256", "sha512"), "sha256"),
            (("sha1", "md5", "sha512"), "sha512"),
            (("md5", "sha1"), "sha1"),
            (("md5",), "md5"),
        ],
    )
    def test_the_strongest_listed_checksum_verifies_and_a_weaker_one_is_logged(
        self,
        nexus: FakeNexus,
        client: NexusClient,
        tmp_path: Path,
        caplog: pytest.LogCaptureFixture,
        listed: tuple[str, ...],
        used: str,
    ) -> None:
        stored = add_job(nexus, "1.0", checksums=listed)
        (asset,) = client.assets("releases", "org.example", "job", "1.0")
        client.download(asset, tmp_path / "ok.zip")
        weak = [r.getMessage() for r in caplog.records if "weak checksum" in r.getMessage()]
        assert weak == (
            []
            if used in {"sha256", "sha512"}
            else [
                f"{asset.path}: the source lists no sha256 or sha512; verified with {used}, a weak checksum"
            ]
        )
        nexus.replace_content("releases", stored["path"], b"tampered")
        with pytest.raises(ChecksumMismatchError, match=f"{used} of the download"):
            client.download(asset, tmp_path / "bad.zip")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.zip"]

    def test_an_asset_without_any_checksum_is_refused_unless_the_admin_allows_it(
        self,
        nexus: FakeNexus,
        client: NexusClient,
        sleeps: Sleeps,
        tmp_path: Path,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        add_job(nexus, "1.0", checksums=())
        (asset,) = client.assets("releases", "org.example", "job", "1.0")
        with pytest.raises(ArtifactError, match=r"no checksum.*refused.*allow_unverified_assets = true"):
            client.download(asset, tmp_path / asset.file_name)
        assert list(tmp_path.iterdir()) == []
        lenient = NexusClient(nexus.base_url, auth=("alice", PASSWORD), allow_unverified=True, sleep=sleeps)
        lenient.download(asset, tmp_path / asset.file_name)
        assert (tmp_path / asset.file_name).read_bytes() == b"job 1.0"
        assert "downloaded UNVERIFIED (allowed)" in caplog.text

    def test_memory_stays_flat_for_a_large_asset(
        self, nexus: FakeNexus, client: NexusClient, tmp_path: Path
    ) -> None:
        size = 32 * 1024 * 1024
        nexus.add_component("releases", "org.example", "big", "1", {"big-1.zip": bytes(size)})
        (asset,) = client.assets("releases", "org.example", "big", "1")
        tracemalloc.start()
        try:
            client.download(asset, tmp_path / asset.file_name)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert (tmp_path / asset.file_name).stat().st_size == size
        assert peak < 8 * 1024 * 1024

    def test_credentials_go_only_to_the_nexus_origin(self, tmp_path: Path, sleeps: Sleeps) -> None:
        with FakeNexus(users={"alice": PASSWORD}) as server:
            server.add_repository("releases")
            (listed,) = server.add_component("releases", "g", "a", "1", {"a-1.zip": b"a"})
            elsewhere = listed["downloadUrl"].replace("127.0.0.1", "localhost")
            asset = AssetInfo(
                path=listed["path"], download_url=elsewhere, sha256=listed["checksum"]["sha256"]
            )
            NexusClient(server.base_url, auth=("alice", PASSWORD), sleep=sleeps).download(
                asset, tmp_path / "a"
            )
            assert server.requests[-1].authorization is False
            same = AssetInfo(path=listed["path"], download_url=listed["downloadUrl"], sha256=asset.sha256)
            NexusClient(server.base_url, auth=("alice", PASSWORD), sleep=sleeps).download(
                same, tmp_path / "b"
            )
            assert server.requests[-1].user == "alice"


class TestAuthentication:
    def test_no_login_is_an_auth_error_naming_the_connection(self, nexus: FakeNexus, sleeps: Sleeps) -> None:
        anonymous = NexusClient(nexus.base_url, sleep=sleeps, connection_name="connection 'nx'")
        with pytest.raises(NexusAuthError, match=r"anonymous access.*connection 'nx'"):
            anonymous.list_repositories()

    def test_a_wrong_password_is_an_auth_error_without_the_password(
        self, nexus: FakeNexus, sleeps: Sleeps
    ) -> None:
        wrong = NexusClient(nexus.base_url, auth=("alice", "Wr0ng-pa55"), sleep=sleeps)
        with pytest.raises(NexusAuthError, match="user 'alice'") as caught:
            wrong.search("releases")
        assert "Wr0ng-pa55" not in str(caught.value)
        assert "Wr0ng-pa55" not in repr(wrong)
        assert sleeps == []  # a 401 is not retried

    def test_a_user_without_privileges_is_told_so_not_shown_an_empty_repository(
        self, nexus: FakeNexus, sleeps: Sleeps
    ) -> None:
        add_job(nexus, "1.0")
        nexus.deny("bob")
        bob = NexusClient(nexus.base_url, auth=("bob", "bobs-password"), sleep=sleeps)
        assert bob.list_repositories() == []  # what Nexus answers: nothing, not a 403
        for attempt in (
            lambda: bob.search("releases"),
            lambda: bob.versions("releases", "org.example", "job"),
        ):
            with pytest.raises(
                NexusForbiddenError,
                match=r"user 'bob' may not read repository 'releases'.*lacks read privileges",
            ):
                attempt()

    def test_a_download_from_a_denied_repository_is_forbidden(
        self, nexus: FakeNexus, client: NexusClient, sleeps: Sleeps, tmp_path: Path
    ) -> None:
        add_job(nexus, "1.0")
        (asset,) = client.assets("releases", "org.example", "job", "1.0")
        nexus.deny("bob", "releases")
        bob = NexusClient(nexus.base_url, auth=("bob", "bobs-password"), sleep=sleeps)
        with pytest.raises(NexusForbiddenError):
            bob.download(asset, tmp_path / asset.file_name)
        assert list(tmp_path.iterdir()) == []


class TestRetries:
    def test_5xx_answers_are_retried_with_exponential_backoff(
        self, nexus: FakeNexus, client: NexusClient, sleeps: Sleeps
    ) -> None:
        nexus.fail_next(2, 503)
        assert [r.name for r in client.list_repositories()] == ["releases", "snapshots"]
        assert sleeps == [0.5, 1.0]
        assert [r.status for r in nexus.requests] == [503, 503, 200]

    def test_retries_are_bounded(self, nexus: FakeNexus, client: NexusClient, sleeps: Sleeps) -> None:
        nexus.fail_next(10, 502)
        with pytest.raises(NexusResponseError, match=r"HTTP 502.*4 attempts") as caught:
            client.list_repositories()
        assert caught.value.status == 502
        assert sleeps == [0.5, 1.0, 2.0]
        assert len(nexus.requests) == 4

    def test_downloads_are_retried_too(
        self, nexus: FakeNexus, client: NexusClient, sleeps: Sleeps, tmp_path: Path
    ) -> None:
        add_job(nexus, "1.0")
        (asset,) = client.assets("releases", "org.example", "job", "1.0")
        nexus.fail_next(1, 500, path_contains="/repository/")
        client.download(asset, tmp_path / asset.file_name)
        assert sleeps == [0.5]

    @pytest.mark.parametrize("status", [400, 404, 409, 429])
    def test_4xx_answers_are_not_retried(
        self, nexus: FakeNexus, client: NexusClient, sleeps: Sleeps, status: int
    ) -> None:
        nexus.fail_next(1, status)
        with pytest.raises((NexusResponseError, NexusNotFoundError)):
            client.list_repositories()
        assert sleeps == [] and len(nexus.requests) == 1

    def test_a_refused_connection_is_retried_then_reported(self, sleeps: Sleeps) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        closed = NexusClient(f"http://127.0.0.1:{port}", retries=2, sleep=sleeps)
        with pytest.raises(NexusConnectionError, match=r"cannot reach http://127.0.0.1"):
            closed.list_repositories()
        assert sleeps == [0.5, 1.0]

    def test_a_read_timeout_is_not_retried(self, nexus: FakeNexus, sleeps: Sleeps) -> None:
        nexus.hang_next(1, seconds=10)
        impatient = NexusClient(nexus.base_url, auth=("alice", PASSWORD), timeout=0.3, sleep=sleeps)
        with pytest.raises(NexusTimeoutError, match=r"within 0.3s"):
            impatient.list_repositories()
        assert sleeps == []


def test_malformed_json_is_a_response_error(nexus: FakeNexus, client: NexusClient) -> None:
    nexus.malformed_next()
    with pytest.raises(NexusResponseError, match="malformed answer"):
        client.search("releases")


def test_https_to_a_plain_http_server_is_a_tls_error(nexus: FakeNexus, sleeps: Sleeps) -> None:
    wrong_scheme = NexusClient(
        f"https://127.0.0.1:{nexus.port}", sleep=sleeps, connection_name="connection 'nx'"
    )
    with pytest.raises(NexusTLSError, match=r"ca_bundle.*connection 'nx'"):
        wrong_scheme.list_repositories()
    assert sleeps == []  # a TLS failure will not heal by retrying
