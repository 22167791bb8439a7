"""Resolution shared by every source: ``latest`` and the asset selectors of an ArtifactRef."""

from __future__ import annotations

from pathlib import Path

import pytest

from airflow_jobs_provider.artifacts.catalog import Repository, SearchPage
from airflow_jobs_provider.artifacts.errors import ArtifactNotFoundError, AssetSelectionError
from airflow_jobs_provider.artifacts.reference import ArtifactRef, AssetInfo
from airflow_jobs_provider.artifacts.source import ArtifactSource, DownloadAccess


class InMemorySource(ArtifactSource):
    """Versions and asset paths in a dict: enough to exercise the shared ``resolve``."""

    def __init__(self, files: dict[str, list[str]]) -> None:
        self.files = files

    def list_repositories(self) -> list[Repository]:
        return [Repository("releases")]

    def search(self, repository: str, query: str = "", continuation_token: str | None = None) -> SearchPage:
        return SearchPage(())

    def versions(self, repository: str, group: str, name: str) -> list[str]:
        from airflow_jobs_provider.artifacts.versions import newest_first

        return newest_first(self.files)

    def assets(self, repository: str, group: str, name: str, version: str) -> list[AssetInfo]:
        if version not in self.files:
            raise ArtifactNotFoundError(version)
        return [AssetInfo(path=p, download_url=f"mem://{p}") for p in self.files[version]]

    def download(self, asset: AssetInfo, destination: Path) -> None:
        raise NotImplementedError


def ref(version: str = "latest", *assets: str) -> ArtifactRef:
    return ArtifactRef(repository="releases", group="org.example", name="job", version=version, assets=assets)


def paths(source: ArtifactSource, reference: ArtifactRef) -> list[str]:
    return [asset.path for asset in source.resolve(reference).assets]


BUILD = [
    "org/example/job/2.0/job-2.0.zip",
    "org/example/job/2.0/job-2.0.pom",
    "org/example/job/2.0/job-2.0.zip.sha1",
]


def test_latest_is_the_newest_by_maven_order() -> None:
    source = InMemorySource({"1.9": ["a.py"], "1.10": ["b.py"], "1.10-SNAPSHOT": ["c.py"]})
    resolved = source.resolve(ref())
    assert resolved.version == "1.10" and [a.path for a in resolved.assets] == ["b.py"]
    assert resolved.ref == ref()


def test_a_pinned_version_is_kept() -> None:
    source = InMemorySource({"1.9": ["a.py"], "1.10": ["b.py"]})
    assert source.resolve(ref("1.9")).version == "1.9"


def test_latest_of_a_component_without_versions_is_not_found() -> None:
    with pytest.raises(ArtifactNotFoundError, match=r"releases/org.example:job:latest: the component has no"):
        InMemorySource({}).resolve(ref())


def test_no_selector_picks_the_single_runnable_asset() -> None:
    assert paths(InMemorySource({"2.0": BUILD}), ref()) == ["org/example/job/2.0/job-2.0.zip"]


def test_no_selector_and_no_runnable_asset_lists_what_there_is() -> None:
    source = InMemorySource({"2.0": ["g/job/2.0/job-2.0.pom", "g/job/2.0/notes.txt"]})
    with pytest.raises(AssetSelectionError, match=r"org.example:job:2.0: no asset is runnable.*notes.txt"):
        source.resolve(ref())


def test_no_selector_and_several_runnable_assets_asks_to_name_them() -> None:
    source = InMemorySource({"2.0": ["x/run.sh", "x/job.jar", "x/README"]})
    with pytest.raises(AssetSelectionError, match=r"2 runnable assets.*x/run.sh, x/job.jar"):
        source.resolve(ref())


def test_runnable_kinds_come_from_the_runner() -> None:
    files = [
        "a/job.R",
        "a/job.r",
        "a/job.py",
        "a/job.sh",
        "a/job.jar",
        "a/job.zip",
        "a/job.tar.gz",
        "a/job.exe",
    ]
    for runnable in files[:6]:
        assert paths(InMemorySource({"1": [runnable, "a/job.exe"]}), ref("1")) == [runnable]


@pytest.mark.parametrize(
    ("selector", "picked"),
    [
        ("org/example/job/2.0/job-2.0.pom", "org/example/job/2.0/job-2.0.pom"),  # exact path
        ("/org/example/job/2.0/job-2.0.pom", "org/example/job/2.0/job-2.0.pom"),  # leading slash
        ("job-2.0.zip.sha1", "org/example/job/2.0/job-2.0.zip.sha1"),  # file name
        ("*.pom", "org/example/job/2.0/job-2.0.pom"),  # glob on the file name
        ("job-?.?.zip", "org/example/job/2.0/job-2.0.zip"),
    ],
)
def test_a_selector_is_a_path_else_a_file_name_else_a_glob(selector: str, picked: str) -> None:
    assert paths(InMemorySource({"2.0": BUILD}), ref("2.0", selector)) == [picked]


def test_a_file_name_match_wins_over_a_glob() -> None:
    source = InMemorySource({"1": ["a/[ab].sh", "a/a.sh"]})
    assert paths(source, ref("1", "[ab].sh")) == ["a/[ab].sh"]


def test_selectors_keep_their_order() -> None:
    source = InMemorySource({"2.0": BUILD})
    assert paths(source, ref("2.0", "*.pom", "*.zip")) == [BUILD[1], BUILD[0]]


def test_a_selector_matching_several_assets_lists_them() -> None:
    with pytest.raises(AssetSelectionError, match=r"'job-2.0.\*' matches 3 assets, name one of: .*zip.sha1"):
        InMemorySource({"2.0": BUILD}).resolve(ref("2.0", "job-2.0.*"))


def test_a_file_name_found_in_two_folders_is_ambiguous() -> None:
    source = InMemorySource({"1": ["a/run.sh", "b/run.sh"]})
    with pytest.raises(AssetSelectionError, match=r"'run.sh' matches 2 assets.*a/run.sh, b/run.sh"):
        source.resolve(ref("1", "run.sh"))
    assert paths(source, ref("1", "b/run.sh")) == ["b/run.sh"]


def test_a_selector_matching_nothing_lists_the_assets() -> None:
    with pytest.raises(AssetSelectionError, match=r"'\*.jar' matches no asset; the version has: org/example"):
        InMemorySource({"2.0": BUILD}).resolve(ref("2.0", "*.jar"))


def test_globs_are_case_sensitive() -> None:
    with pytest.raises(AssetSelectionError):
        InMemorySource({"2.0": BUILD}).resolve(ref("2.0", "*.ZIP"))


def test_download_access_defaults_to_no_login() -> None:
    access = InMemorySource({}).download_access()
    assert access == DownloadAccess() and access.username is None and access.verify_tls
    assert access.credential_origin is None, "no login, so nowhere to send one"


MAVEN_BUILD = [
    f"org/example/job/2.0/{name}"
    for name in [
        "job-2.0.jar",
        "job-2.0-sources.jar",
        "job-2.0-javadoc.jar",
        "job-2.0-tests.jar",
        "job-2.0.pom",
        "job-2.0.jar.sha1",
        "job-2.0.jar.md5",
        "job-2.0.jar.sha256",
        "job-2.0.pom.sha1",
    ]
]


def test_classified_jars_and_sidecars_are_never_runnable_by_default() -> None:
    assert paths(InMemorySource({"2.0": MAVEN_BUILD}), ref()) == ["org/example/job/2.0/job-2.0.jar"]


def test_the_main_artifact_wins_among_several_runnable_files() -> None:
    source = InMemorySource({"2.0": ["org/example/job/2.0/job-2.0.zip", "org/example/job/2.0/install.sh"]})
    assert paths(source, ref()) == ["org/example/job/2.0/job-2.0.zip"]


def test_a_side_file_named_explicitly_is_run() -> None:
    source = InMemorySource({"2.0": MAVEN_BUILD})
    assert paths(source, ref("2.0", "job-2.0-sources.jar")) == ["org/example/job/2.0/job-2.0-sources.jar"]


def test_a_script_whose_name_ends_like_a_classifier_is_not_a_side_file() -> None:
    assert paths(InMemorySource({"1": ["x/run-tests.py"]}), ref()) == ["x/run-tests.py"]


def test_latest_release_skips_pre_releases() -> None:
    source = InMemorySource({"2.9.0": ["a.py"], "3.0.0-RC1": ["b.py"], "3.1.0-SNAPSHOT": ["c.py"]})
    assert source.resolve(ref()).version == "3.1.0-SNAPSHOT"
    assert source.resolve(ref("latest-release")).version == "2.9.0"
