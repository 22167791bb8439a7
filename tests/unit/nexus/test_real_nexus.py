"""What a real data team's Nexus holds, through the hook and the artifact source (issue 10).

Raw repositories of Talend zips, Maven versions with side files, release candidates beside
releases, misspelt repositories, accounts without privileges, broken paging and deterministic
server errors: each as Nexus 3.7x answers it (``tests/fakes/nexus.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from airflow_jobs_provider.artifacts.errors import ArtifactNotFoundError, AssetSelectionError
from airflow_jobs_provider.artifacts.nexus import NexusSource
from airflow_jobs_provider.artifacts.reference import ArtifactRef
from airflow_jobs_provider.hooks.nexus import NexusHook
from airflow_jobs_provider.hooks.nexus_errors import (
    NexusAuthError,
    NexusForbiddenError,
    NexusNotFoundError,
    NexusPagingError,
    NexusResponseError,
)
from tests.fakes.nexus import FakeNexus, LoggedRequest

PASSWORD = "ci-Token-0815"
NO_RIGHTS_PASSWORD = "nobody-Pa55"
RAW = "raw-jobs"
MAVEN = "releases"


@pytest.fixture
def nexus() -> Iterator[FakeNexus]:
    with FakeNexus(users={"ci": PASSWORD, "nobody": NO_RIGHTS_PASSWORD}, anonymous=False) as server:
        server.add_repository(RAW, format="raw")
        server.add_repository(MAVEN)
        server.deny("nobody")
        yield server


def hook_for(nexus: FakeNexus, monkeypatch: pytest.MonkeyPatch, login: str = "ci", **extra: str) -> NexusHook:
    password = PASSWORD if login == "ci" else NO_RIGHTS_PASSWORD
    connection = {"conn_type": "nexus", "host": nexus.base_url, "login": login, "password": password}
    monkeypatch.setenv("AIRFLOW_CONN_NEXUS_REAL", json.dumps({**connection, "extra": extra}))
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__NEXUS_MAX_PAGES", "200")
    return NexusHook("nexus_real")


@pytest.fixture
def source(nexus: FakeNexus, monkeypatch: pytest.MonkeyPatch) -> NexusSource:
    return NexusSource(hook_for(nexus, monkeypatch))


def publish_patients(nexus: FakeNexus) -> None:
    for version in ("1.9.3", "1.10.0", "2.0.0-rc.1"):
        folder = f"etl/patients/{version}"
        nexus.add_raw_file(RAW, f"{folder}/patients_{version}.zip", f"zip {version}".encode())
        nexus.add_raw_file(RAW, f"{folder}/README.txt", b"notes")
    nexus.add_raw_file(RAW, "etl/admissions/0.1.0/admissions_0.1.0.zip", b"zip admissions")
    nexus.add_raw_file(RAW, "scripts/cleanup.sh", b"#!/bin/sh\necho clean\n")


class TestRawRepositories:
    def test_files_in_version_folders_browse_as_one_component_with_versions(
        self, nexus: FakeNexus, source: NexusSource
    ) -> None:
        publish_patients(nexus)
        page = source.search(RAW, "")
        by_name = {c.name: c.versions for c in page.components}
        assert by_name == {
            "etl/patients": ("2.0.0-rc.1", "1.10.0", "1.9.3"),
            "etl/admissions": ("0.1.0",),
            "scripts/cleanup.sh": ("unversioned",),
        }
        assert all(c.group == "" for c in page.components)
        assert source.versions(RAW, "", "etl/patients") == ["2.0.0-rc.1", "1.10.0", "1.9.3"]
        assets = source.assets(RAW, "", "etl/patients", "1.10.0")
        assert [a.path for a in assets] == [
            "etl/patients/1.10.0/patients_1.10.0.zip",
            "etl/patients/1.10.0/README.txt",
        ]

    def test_latest_release_pins_and_downloads_the_zip(
        self, nexus: FakeNexus, source: NexusSource, tmp_path: Path
    ) -> None:
        publish_patients(nexus)
        ref = ArtifactRef(repository=RAW, name="etl/patients", version="latest-release")
        resolved = source.resolve(ref)
        assert resolved.version == "1.10.0"
        (asset,) = resolved.assets
        assert asset.path == "etl/patients/1.10.0/patients_1.10.0.zip"
        source.download(asset, tmp_path / asset.file_name)
        assert (tmp_path / asset.file_name).read_bytes() == b"zip 1.10.0"
        assert source.resolve(ArtifactRef(repository=RAW, name="etl/patients")).version == "2.0.0-rc.1"
        pinned = source.resolve(ArtifactRef(repository=RAW, name="etl/patients", version="1.9.3"))
        assert [a.file_name for a in pinned.assets] == ["patients_1.9.3.zip"]

    def test_a_file_outside_the_layout_is_reached_by_its_exact_path(
        self, nexus: FakeNexus, source: NexusSource
    ) -> None:
        publish_patients(nexus)
        resolved = source.resolve(ArtifactRef(repository=RAW, name="scripts/cleanup.sh"))
        assert resolved.version == "unversioned"
        assert [a.path for a in resolved.assets] == ["scripts/cleanup.sh"]

    def test_a_name_without_version_folders_says_what_layout_is_expected(
        self, nexus: FakeNexus, source: NexusSource
    ) -> None:
        publish_patients(nexus)
        with pytest.raises(
            NexusNotFoundError,
            match=r"raw repository 'raw-jobs' has no files laid out <folders>/<name>/<version>/<file> under 'scripts'.*exact path",
        ):
            source.resolve(ArtifactRef(repository=RAW, name="scripts"))


class TestMavenSideFiles:
    def test_latest_runs_the_main_jar_not_its_side_files(self, nexus: FakeNexus, source: NexusSource) -> None:
        nexus.add_maven_version(MAVEN, "org.example", "loader", "1.9.3", b"PK 1.9.3")
        nexus.add_maven_version(MAVEN, "org.example", "loader", "1.10.0", b"PK 1.10.0")
        nexus.add_maven_metadata(MAVEN, "org.example", "loader", ["1.9.3", "1.10.0"])
        resolved = source.resolve(ArtifactRef(repository=MAVEN, group="org.example", name="loader"))
        assert resolved.version == "1.10.0"
        assert [a.path for a in resolved.assets] == ["org/example/loader/1.10.0/loader-1.10.0.jar"]

    def test_a_side_file_can_still_be_picked_by_name(self, nexus: FakeNexus, source: NexusSource) -> None:
        nexus.add_maven_version(MAVEN, "org.example", "loader", "1.0", b"PK")
        ref = ArtifactRef(
            repository=MAVEN, group="org.example", name="loader", version="1.0", assets=("*-tests.jar",)
        )
        assert [a.file_name for a in source.resolve(ref).assets] == ["loader-1.0-tests.jar"]

    def test_only_side_files_runnable_asks_to_name_one(self, nexus: FakeNexus, source: NexusSource) -> None:
        nexus.add_component(
            MAVEN, "org.example", "docs", "1.0", {"docs-1.0-javadoc.jar": b"PK", "docs-1.0.pom": b"<p/>"}
        )
        with pytest.raises(
            AssetSelectionError, match=r"only side files are runnable.*docs-1.0-javadoc.jar.*name the asset"
        ):
            source.resolve(ArtifactRef(repository=MAVEN, group="org.example", name="docs"))


class TestLatestRelease:
    def test_latest_release_skips_a_release_candidate_nexus_still_returns(
        self, nexus: FakeNexus, source: NexusSource
    ) -> None:
        for version in ("2.9.0", "3.0.0-RC1", "2.9.1-20240212.174455-3"):
            nexus.add_component(
                MAVEN, "org.example", "job", version, {f"job-{version}.jar": version.encode()}
            )
        ref = ArtifactRef(repository=MAVEN, group="org.example", name="job")
        assert source.resolve(ref).version == "3.0.0-RC1"
        release = ArtifactRef(repository=MAVEN, group="org.example", name="job", version="latest-release")
        assert source.resolve(release).version == "2.9.0"

    def test_no_release_at_all_is_a_clear_error(self, nexus: FakeNexus, source: NexusSource) -> None:
        nexus.add_component(MAVEN, "org.example", "job", "1.0-SNAPSHOT", {"job-1.0-SNAPSHOT.jar": b"s"})
        ref = ArtifactRef(repository=MAVEN, group="org.example", name="job", version="latest-release")
        with pytest.raises(
            ArtifactNotFoundError, match=r"every version is a pre-release \(1.0-SNAPSHOT\); deploy 'latest'"
        ):
            source.resolve(ref)


class TestSilentAnswers:
    def test_an_unknown_repository_is_named_as_such(self, source: NexusSource) -> None:
        ref = ArtifactRef(repository="nope", group="org.example", name="job")
        message = r"repository 'nope' does not exist at .* \(or this account cannot see it\)"
        with pytest.raises(NexusNotFoundError, match=message):
            source.resolve(ref)
        with pytest.raises(NexusNotFoundError, match=message):
            source.search("nope")

    def test_an_account_without_privileges_is_told_so(
        self, nexus: FakeNexus, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        nexus.add_maven_version(MAVEN, "org.example", "loader", "1.0", b"PK")
        source = NexusSource(hook_for(nexus, monkeypatch, login="nobody"))
        with pytest.raises(
            NexusForbiddenError,
            match=r"user 'nobody' may not read repository 'releases'.*lacks read privileges",
        ):
            source.resolve(ArtifactRef(repository=MAVEN, group="org.example", name="loader"))

    def test_the_connection_test_says_why_an_account_sees_nothing(
        self, nexus: FakeNexus, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ok, message = hook_for(nexus, monkeypatch).test_connection()
        assert ok and "2 repositories visible" in message
        ok, message = hook_for(nexus, monkeypatch, login="nobody").test_connection()
        assert not ok
        assert "user 'nobody' sees no repository: the account probably lacks read privileges" in message
        ok, message = hook_for(nexus, monkeypatch, login="nobody", default_repository=MAVEN).test_connection()
        assert not ok and "may not read repository 'releases'" in message


class TestPaging:
    def test_a_token_handed_back_unchanged_stops_with_a_clear_error(
        self, nexus: FakeNexus, source: NexusSource
    ) -> None:
        nexus.search_page_size = 2
        for index in range(5):
            nexus.add_component(MAVEN, "org.example", "job", f"1.{index}", {f"job-1.{index}.jar": b"j"})
        nexus.repeat_tokens = True
        with pytest.raises(NexusPagingError, match=r"handed back continuation token .* again"):
            source.versions(MAVEN, "org.example", "job")
        assert len([r for r in nexus.requests if r.path.endswith("/search")]) == 2  # not 20

    def test_an_item_met_on_two_pages_counts_once(self, nexus: FakeNexus, source: NexusSource) -> None:
        nexus.search_page_size = 2
        files = ["job_1.0.zip", "a.txt", "b.txt", "c.txt"]
        for file_name in files:
            nexus.add_raw_file(RAW, f"jobs/job/1.0/{file_name}", b"x")

        def republish_after_first_page(request: LoggedRequest) -> None:
            if request.path.endswith("/search") and "continuationToken" not in request.query:
                nexus.after_request = None  # CI uploads a.txt again: it moves to the end of the index
                nexus.add_raw_file(RAW, "jobs/job/1.0/a.txt", b"again")

        nexus.after_request = republish_after_first_page
        paths = [asset.path for asset in source.assets(RAW, "", "jobs/job", "1.0")]
        # pages [job_1.0.zip, a.txt] then [c.txt, a.txt]: a.txt is served twice, kept once
        assert paths == ["jobs/job/1.0/job_1.0.zip", "jobs/job/1.0/a.txt", "jobs/job/1.0/c.txt"]

    def test_the_page_bound_is_configurable_and_said_when_hit(
        self, nexus: FakeNexus, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        nexus.search_page_size = 2
        for index in range(7):
            nexus.add_component(MAVEN, "org.example", "job", f"1.{index}", {f"job-1.{index}.jar": b"j"})
        hook = hook_for(nexus, monkeypatch)
        monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__NEXUS_MAX_PAGES", "3")
        with pytest.raises(
            NexusPagingError, match=r"more than 3 pages; raise \[job_orchestrator\] nexus_max_pages"
        ):
            NexusSource(hook).versions(MAVEN, "org.example", "job")


class TestServerErrors:
    def test_a_java_exception_about_the_request_is_not_retried(
        self, nexus: FakeNexus, source: NexusSource
    ) -> None:
        source.client._sleep = lambda seconds: None
        source.list_repositories()
        nexus.clear_requests()
        nexus.fail_next(4, 500, body='java.lang.NumberFormatException: For input string: "1.x"')
        with pytest.raises(
            NexusResponseError,
            match=r"HTTP 500 .* about the request itself.*not retried.*NumberFormatException",
        ):
            source.versions(MAVEN, "org.example", "job")
        assert len(nexus.requests) == 1

    def test_retries_are_logged_as_attempts(
        self, nexus: FakeNexus, source: NexusSource, caplog: pytest.LogCaptureFixture
    ) -> None:
        source.client._sleep = lambda seconds: None
        nexus.fail_next(2, 503)
        source.list_repositories()
        attempts = [r.getMessage() for r in caplog.records if "attempt" in r.getMessage()]
        assert [m.split("; ")[-1] for m in attempts] == ["attempt 2 of 4 in 0.5s", "attempt 3 of 4 in 1.0s"]

    def test_a_download_url_on_another_origin_says_credentials_were_withheld(
        self, nexus: FakeNexus, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        nexus.add_maven_version(MAVEN, "org.example", "loader", "1.0", b"PK")
        monkeypatch.setenv(
            "AIRFLOW_CONN_NEXUS_PROXY",
            json.dumps(
                {
                    "conn_type": "nexus",
                    "host": f"http://localhost:{nexus.port}",
                    "login": "ci",
                    "password": PASSWORD,
                }
            ),
        )
        source = NexusSource(NexusHook("nexus_proxy"))
        (asset,) = source.resolve(ArtifactRef(repository=MAVEN, group="org.example", name="loader")).assets
        assert asset.download_url.startswith("http://127.0.0.1:")  # Nexus's forced base URL
        with pytest.raises(
            NexusAuthError, match=r"not the origin of connection 'nexus_proxy' .* credentials were withheld"
        ) as caught:
            source.download(asset, tmp_path / asset.file_name)
        assert "check the login" not in str(caught.value) and PASSWORD not in str(caught.value)
