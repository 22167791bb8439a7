"""The local folder source: layout, paged search, cached checksums, verified copies, and its walls."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from airflow_jobs_provider.artifacts import local
from airflow_jobs_provider.artifacts.errors import (
    ArtifactError,
    ArtifactNotFoundError,
    ChecksumMismatchError,
    InvalidContinuationTokenError,
)
from airflow_jobs_provider.artifacts.local import LocalFolderSource
from airflow_jobs_provider.artifacts.reference import ArtifactRef, AssetInfo
from examples.seed import seed


def put(root: Path, relative: str, data: bytes = b"data", mode: int = 0o644) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    base = tmp_path / "artifacts"
    put(base, "releases/org.example/etl-loader/1.9/etl-loader-1.9.zip")
    put(base, "releases/org.example/etl-loader/1.10/etl-loader-1.10.zip", b"newest")
    put(base, "releases/org.example/Report/2.0/report.R")
    put(base, "releases/_/tool/0.1/tool.sh", b"#!/bin/sh\necho hi\n", 0o755)
    put(base, "other/g/n/1/n.py")
    (base / "releases" / ".hidden").mkdir()
    return base


def test_repositories_are_the_top_folders(root: Path) -> None:
    repositories = LocalFolderSource(root).list_repositories()
    assert [r.name for r in repositories] == ["other", "releases"]
    assert repositories[1].url == (root / "releases").resolve().as_uri()


def test_no_root_folder_means_no_repositories(tmp_path: Path) -> None:
    assert LocalFolderSource(tmp_path / "missing").list_repositories() == []


def test_versions_are_newest_first(root: Path) -> None:
    assert LocalFolderSource(root).versions("releases", "org.example", "etl-loader") == ["1.10", "1.9"]
    assert LocalFolderSource(root).versions("releases", "org.example", "nothing") == []


def test_assets_carry_path_file_url_size_and_sha256(root: Path) -> None:
    (asset,) = LocalFolderSource(root).assets("releases", "org.example", "etl-loader", "1.10")
    assert asset.path == "org.example/etl-loader/1.10/etl-loader-1.10.zip"
    assert asset.download_url == (root / "releases" / asset.path).resolve().as_uri()
    assert asset.sha256 == hashlib.sha256(b"newest").hexdigest() and asset.size == 6
    assert asset.last_modified


def test_group_underscore_means_no_group(root: Path) -> None:
    source = LocalFolderSource(root)
    (asset,) = source.assets("releases", "", "tool", "0.1")
    assert asset.path == "_/tool/0.1/tool.sh"
    resolved = source.resolve(ArtifactRef(source="local", repository="releases", name="tool"))
    assert resolved.version == "0.1" and resolved.assets == (asset,)


def test_a_missing_version_is_not_found(root: Path) -> None:
    with pytest.raises(ArtifactNotFoundError, match=r"releases/org\.example/etl-loader/3\.0"):
        LocalFolderSource(root).assets("releases", "org.example", "etl-loader", "3.0")


class TestSearch:
    def test_matches_group_or_name_case_insensitively(self, root: Path) -> None:
        source = LocalFolderSource(root)
        page = source.search("releases", "REPORT")
        assert [(c.group, c.name, c.versions) for c in page.components] == [
            ("org.example", "Report", ("2.0",))
        ]
        assert [c.name for c in source.search("releases", "example").components] == ["Report", "etl-loader"]
        assert [c.name for c in source.search("releases", "load").components] == ["etl-loader"]

    def test_empty_query_lists_everything(self, root: Path) -> None:
        page = LocalFolderSource(root).search("releases")
        assert [(c.name, c.versions) for c in page.components] == [
            ("tool", ("0.1",)),
            ("Report", ("2.0",)),
            ("etl-loader", ("1.10", "1.9")),
        ]
        assert page.continuation_token is None

    def test_pages_like_nexus_with_an_opaque_token(self, root: Path) -> None:
        source = LocalFolderSource(root, page_size=2)
        first = source.search("releases")
        assert [(c.name, c.versions) for c in first.components] == [("tool", ("0.1",)), ("Report", ("2.0",))]
        second = source.search("releases", "", first.continuation_token)
        assert [(c.name, c.versions) for c in second.components] == [("etl-loader", ("1.10", "1.9"))]
        assert second.continuation_token is None

    def test_a_component_can_continue_on_the_next_page(self, root: Path) -> None:
        source = LocalFolderSource(root, page_size=3)
        first = source.search("releases")
        second = source.search("releases", "", first.continuation_token)
        assert first.components[-1].versions == ("1.10",) and second.components[0].versions == ("1.9",)

    @pytest.mark.parametrize("token", ["garbage!", "MTAwOmFiYw=="])
    def test_a_foreign_token_is_refused(self, root: Path, token: str) -> None:
        with pytest.raises(InvalidContinuationTokenError):
            LocalFolderSource(root).search("releases", "", token)

    def test_a_token_of_another_query_is_refused(self, root: Path) -> None:
        source = LocalFolderSource(root, page_size=1)
        token = source.search("releases").continuation_token
        with pytest.raises(InvalidContinuationTokenError):
            source.search("releases", "etl", token)

    def test_an_unknown_repository_has_no_components(self, root: Path) -> None:
        assert LocalFolderSource(root).search("nope").components == ()


class TestChecksumCache:
    def test_listing_again_does_not_rehash(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        hashed: list[Path] = []
        real = local.file_digest
        monkeypatch.setattr(local, "file_digest", lambda path, algorithm: hashed.append(path) or real(path))
        local._sha256.cache_clear()
        source = LocalFolderSource(root)
        source.assets("releases", "org.example", "etl-loader", "1.10")
        source.assets("releases", "org.example", "etl-loader", "1.10")
        LocalFolderSource(root).assets("releases", "org.example", "etl-loader", "1.10")
        assert len(hashed) == 1

    def test_a_changed_file_is_hashed_again(self, root: Path) -> None:
        source = LocalFolderSource(root)
        path = root / "releases/org.example/etl-loader/1.10/etl-loader-1.10.zip"
        before = source.assets("releases", "org.example", "etl-loader", "1.10")[0].sha256
        path.write_bytes(b"rebuilt!")
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
        after = source.assets("releases", "org.example", "etl-loader", "1.10")[0].sha256
        assert before != after == hashlib.sha256(b"rebuilt!").hexdigest()


class TestDownload:
    def test_copies_verifies_and_keeps_the_mode(self, root: Path, tmp_path: Path) -> None:
        source = LocalFolderSource(root)
        (asset,) = source.assets("releases", "", "tool", "0.1")
        target = tmp_path / "work" / "tool.sh"
        target.parent.mkdir()
        source.download(asset, target)
        assert target.read_bytes() == b"#!/bin/sh\necho hi\n"
        assert os.access(target, os.X_OK)

    def test_a_file_changed_since_listing_is_refused_and_deleted(self, root: Path, tmp_path: Path) -> None:
        source = LocalFolderSource(root)
        (asset,) = source.assets("releases", "", "tool", "0.1")
        (root / "releases/_/tool/0.1/tool.sh").write_bytes(b"#!/bin/sh\nrm -rf /\n")
        with pytest.raises(ChecksumMismatchError):
            source.download(asset, tmp_path / "tool.sh")
        assert not (tmp_path / "tool.sh").exists()

    def test_a_url_outside_the_root_is_refused(self, root: Path, tmp_path: Path) -> None:
        secret = put(tmp_path, "secret.txt", b"secret")
        asset = AssetInfo(
            path="x", download_url=secret.as_uri(), sha256=hashlib.sha256(b"secret").hexdigest()
        )
        with pytest.raises(ArtifactError, match="outside the artifacts folder"):
            LocalFolderSource(root).download(asset, tmp_path / "copy")

    def test_a_non_file_url_is_refused(self, root: Path, tmp_path: Path) -> None:
        asset = AssetInfo(
            path="x", download_url=f"http://example.org{root}/releases/_/tool/0.1/tool.sh", sha256="0"
        )
        with pytest.raises(ArtifactNotFoundError, match="not a file of this source"):
            LocalFolderSource(root).download(asset, tmp_path / "copy")


class TestWalls:
    @pytest.mark.parametrize(
        ("repository", "group", "name", "version"),
        [
            ("..", "g", "n", "1"),
            ("releases", "..", "n", "1"),
            ("releases", "g", "a/b", "1"),
            ("releases", "g", "n", "..\\x"),
            ("releases", "g", "n", ""),
            ("", "g", "n", "1"),
            ("releases", "g", "n\0", "1"),
        ],
    )
    def test_names_that_could_leave_the_root_are_refused(
        self, root: Path, repository: str, group: str, name: str, version: str
    ) -> None:
        with pytest.raises(ArtifactError, match="is not a valid"):
            LocalFolderSource(root).assets(repository, group, name, version)

    def test_a_symlink_out_of_the_root_is_refused(self, root: Path, tmp_path: Path) -> None:
        put(tmp_path, "elsewhere/g/n/1/n.sh")
        (root / "linked").symlink_to(tmp_path / "elsewhere")
        with pytest.raises(ArtifactError, match="outside the artifacts folder"):
            LocalFolderSource(root).assets("linked", "g", "n", "1")


def test_the_seeded_examples_resolve(tmp_path: Path) -> None:
    seed(tmp_path)
    source = LocalFolderSource(tmp_path)
    resolved = source.resolve(
        ArtifactRef(source="local", repository="examples", group="org.example.jobs", name="hello-python")
    )
    assert resolved.version == "1.1.0"
    assert [a.path for a in resolved.assets] == ["org.example.jobs/hello-python/1.1.0/hello.py"]
    talend = source.resolve(
        ArtifactRef(source="local", repository="examples", group="org.example.jobs", name="customer-sync")
    )
    assert [a.file_name for a in talend.assets] == ["customer-sync-2.0.1.zip"]
