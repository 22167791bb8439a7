"""The simulator answers the way Nexus 3 does: checked here with plain ``requests`` calls."""

from __future__ import annotations

import base64
import binascii
import hashlib

import pytest
import requests

from tests.fakes.nexus import MULTIPLE_ASSETS, NO_SEARCH_RESULTS, REALM, FakeNexus

SEARCH = "/service/rest/v1/search"
COMPONENTS = "/service/rest/v1/components"


def get(nexus: FakeNexus, path: str, **kwargs: object) -> requests.Response:
    kwargs.setdefault("timeout", 10)
    kwargs.setdefault("allow_redirects", False)
    return requests.get(nexus.base_url + path, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def nexus(nexus_server: FakeNexus) -> FakeNexus:
    nexus_server.add_repository("releases")
    nexus_server.add_repository("raw-files", format="raw")
    return nexus_server


def page(nexus: FakeNexus, endpoint: str, token: str | None, **params: str) -> dict:
    """One page of ``endpoint`` in repository ``releases``, after ``token``."""
    params = {"repository": "releases", **params} | ({"continuationToken": token} if token else {})
    return get(nexus, endpoint, params=params).json()


def fill(nexus: FakeNexus, count: int, name: str = "job") -> None:
    for index in range(count):
        nexus.add_component("releases", "org.example", name, f"1.{index}", {f"{name}-1.{index}.zip": b"x"})


def test_repositories_lists_name_format_type_and_url(nexus: FakeNexus) -> None:
    answer = get(nexus, "/service/rest/v1/repositories")
    assert answer.status_code == 200
    assert answer.json() == [
        {
            "name": "releases",
            "format": "maven2",
            "type": "hosted",
            "url": f"{nexus.base_url}/repository/releases",
            "attributes": {},
        },
        {
            "name": "raw-files",
            "format": "raw",
            "type": "hosted",
            "url": f"{nexus.base_url}/repository/raw-files",
            "attributes": {},
        },
    ]


def test_component_assets_follow_the_maven_layout_with_all_checksums(nexus: FakeNexus) -> None:
    data = b"PK\x03\x04 job"
    (asset,) = nexus.add_component("releases", "org.example", "job", "1.2", {"job-1.2.zip": data})
    assert asset["path"] == "org/example/job/1.2/job-1.2.zip"
    assert asset["downloadUrl"] == f"{nexus.base_url}/repository/releases/org/example/job/1.2/job-1.2.zip"
    assert asset["checksum"] == {
        "sha1": hashlib.sha1(data).hexdigest(),
        "sha256": hashlib.sha256(data).hexdigest(),
        "md5": hashlib.md5(data).hexdigest(),
        "sha512": hashlib.sha512(data).hexdigest(),
    }
    assert asset["fileSize"] == len(data)
    assert asset["contentType"] == "application/zip"
    assert asset["repository"] == "releases" and asset["format"] == "maven2"
    assert asset["maven2"]["extension"] == "zip"
    assert base64.urlsafe_b64decode(asset["id"] + "==").decode().startswith("releases:")
    served = requests.get(asset["downloadUrl"], timeout=10)
    assert served.status_code == 200 and served.content == data
    assert served.headers["ETag"] == f'"{asset["checksum"]["sha1"]}"'


def test_checksums_can_be_limited_like_old_nexus_versions(nexus: FakeNexus) -> None:
    (asset,) = nexus.add_component("releases", "g", "a", "1", {"a-1.jar": b"j"}, checksums=("sha1", "md5"))
    assert set(asset["checksum"]) == {"sha1", "md5"}
    assert asset["contentType"] == "application/java-archive"


def test_search_pages_of_fifty_with_a_continuation_token(nexus: FakeNexus) -> None:
    fill(nexus, 120)
    first = page(nexus, SEARCH, None)
    second = page(nexus, SEARCH, first["continuationToken"])
    third = page(nexus, SEARCH, second["continuationToken"])
    assert [len(p["items"]) for p in (first, second, third)] == [50, 50, 20]
    assert third["continuationToken"] is None
    versions = {item["version"] for p in (first, second, third) for item in p["items"]}
    assert len(versions) == 120


def test_a_result_filling_its_last_page_exactly_ends_with_an_empty_page(nexus: FakeNexus) -> None:
    nexus.search_page_size = 5
    fill(nexus, 10)
    first = page(nexus, SEARCH, None)
    second = page(nexus, SEARCH, first["continuationToken"])
    third = page(nexus, SEARCH, second["continuationToken"])
    assert len(first["items"]) == len(second["items"]) == 5
    assert third == {"items": [], "continuationToken": None}


def test_search_token_is_hex_of_offset_and_query_hash(nexus: FakeNexus) -> None:
    nexus.search_page_size = 2
    fill(nexus, 3)
    token = get(nexus, SEARCH, params={"repository": "releases"}).json()["continuationToken"]
    offset, _, digest = binascii.unhexlify(token).decode().partition(":")
    assert offset == "2" and len(digest) == 32


@pytest.mark.parametrize("token", ["zz-not-hex", binascii.hexlify(b"2:0123").decode()])
def test_an_unusable_search_token_is_a_400_with_validation_errors(nexus: FakeNexus, token: str) -> None:
    answer = get(nexus, SEARCH, params={"repository": "releases", "continuationToken": token})
    assert answer.status_code == 400
    (error,) = answer.json()
    assert error["id"] == "*" and token in error["message"]


def test_a_token_of_another_query_is_refused(nexus: FakeNexus) -> None:
    nexus.search_page_size = 1
    fill(nexus, 2)
    token = get(nexus, SEARCH, params={"repository": "releases"}).json()["continuationToken"]
    answer = get(nexus, SEARCH, params={"repository": "releases", "q": "job", "continuationToken": token})
    assert answer.status_code == 400
    assert "does not match this query" in answer.json()[0]["message"]


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("etl", ["etl-loader"]),  # whole token of a hyphenated name
        ("ETL", ["etl-loader"]),  # case-insensitive
        ("loa", []),  # no substring matching
        ("loa*", ["etl-loader"]),  # trailing wildcard
        ('"etl-loader"', ["etl-loader"]),  # quoted: the whole field
        ("report nomatch", ["report"]),  # any term is enough
        ("example", ["etl-loader", "report"]),  # group tokens too
        ("", ["etl-loader", "report"]),
    ],
)
def test_keyword_search_matches_whole_tokens(nexus: FakeNexus, q: str, found: list[str]) -> None:
    nexus.add_component("releases", "org.example", "etl-loader", "1.0", {"etl-loader-1.0.zip": b"z"})
    nexus.add_component("releases", "org.example", "report", "2.0", {"report-2.0.jar": b"j"})
    body = get(nexus, SEARCH, params={"repository": "releases", "q": q}).json()
    assert [item["name"] for item in body["items"]] == found


def test_search_filters_by_group_name_version_and_repository(nexus: FakeNexus) -> None:
    nexus.add_component("releases", "org.example", "job", "1.0", {"job-1.0.zip": b"1"})
    nexus.add_component("releases", "org.other", "job", "1.0", {"job-1.0.zip": b"2"})
    nexus.add_component("raw-files", "/scripts", "job.sh", "", {"job.sh": b"3"})
    items = get(
        nexus, SEARCH, params={"repository": "releases", "group": "org.example", "name": "job"}
    ).json()
    assert [(i["group"], i["version"]) for i in items["items"]] == [("org.example", "1.0")]
    assert get(nexus, SEARCH, params={"repository": "nope"}).json() == {
        "items": [],
        "continuationToken": None,
    }


def test_search_sort_by_version_defaults_to_descending(nexus: FakeNexus) -> None:
    for version in ("1.9", "1.10", "1.2"):
        nexus.add_component("releases", "g", "a", version, {f"a-{version}.zip": b"v"})
    body = get(nexus, SEARCH, params={"repository": "releases", "sort": "version"}).json()
    assert [item["version"] for item in body["items"]] == ["1.10", "1.9", "1.2"]


def test_asset_search_flattens_the_assets_of_a_page_and_filters_them(nexus: FakeNexus) -> None:
    nexus.add_component("releases", "g", "a", "1", {"a-1.zip": b"z", "a-1.pom": b"<project/>"})
    body = get(nexus, SEARCH + "/assets", params={"repository": "releases"}).json()
    assert sorted(item["path"] for item in body["items"]) == ["g/a/1/a-1.pom", "g/a/1/a-1.zip"]
    only_zip = get(nexus, SEARCH + "/assets", params={"repository": "releases", "maven.extension": "zip"})
    assert [item["path"] for item in only_zip.json()["items"]] == ["g/a/1/a-1.zip"]


def test_search_and_download_redirects_to_the_single_match(nexus: FakeNexus) -> None:
    (asset, _) = nexus.add_component("releases", "g", "a", "1", {"a-1.zip": b"z", "a-1.pom": b"p"})
    answer = get(
        nexus, SEARCH + "/assets/download", params={"repository": "releases", "maven.extension": "zip"}
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == asset["downloadUrl"]
    followed = requests.get(
        nexus.base_url + SEARCH + "/assets/download",
        params={"repository": "releases", "maven.extension": "zip"},
        timeout=10,
    )
    assert followed.content == b"z"


def test_search_and_download_refuses_several_matches_unless_sorted(nexus: FakeNexus) -> None:
    nexus.add_component("releases", "g", "a", "1", {"a-1.zip": b"1"})
    nexus.add_component("releases", "g", "a", "2", {"a-2.zip": b"2"})
    several = get(nexus, SEARCH + "/assets/download", params={"repository": "releases"})
    assert (several.status_code, several.text) == (400, MULTIPLE_ASSETS)
    assert several.headers["Content-Type"].startswith("text/plain")
    newest = get(nexus, SEARCH + "/assets/download", params={"repository": "releases", "sort": "version"})
    assert newest.status_code == 302 and newest.headers["Location"].endswith("/g/a/2/a-2.zip")
    none = get(nexus, SEARCH + "/assets/download", params={"repository": "releases", "name": "zzz"})
    assert (none.status_code, none.text) == (404, NO_SEARCH_RESULTS)


def test_components_pages_by_last_id_and_ends_with_an_empty_page_when_full(nexus: FakeNexus) -> None:
    nexus.components_page_size = 3
    fill(nexus, 6)
    first = page(nexus, COMPONENTS, None)
    assert len(first["items"]) == 3 and first["continuationToken"] == first["items"][-1]["id"]
    second = page(nexus, COMPONENTS, first["continuationToken"])
    assert [i["version"] for i in second["items"]] == ["1.3", "1.4", "1.5"]
    assert page(nexus, COMPONENTS, second["continuationToken"]) == {"items": [], "continuationToken": None}


def test_components_default_page_is_a_hundred(nexus: FakeNexus) -> None:
    fill(nexus, 101)
    first = get(nexus, COMPONENTS, params={"repository": "releases"}).json()
    assert len(first["items"]) == 100 and first["continuationToken"] is not None


def test_components_errors_are_the_ones_nexus_gives(nexus: FakeNexus) -> None:
    assert get(nexus, COMPONENTS).status_code == 422
    unknown = get(nexus, COMPONENTS, params={"repository": "nope"})
    assert (unknown.status_code, unknown.text) == (404, "Unable to locate repository with id nope")
    bad_token = get(nexus, COMPONENTS, params={"repository": "releases", "continuationToken": "garbage"})
    assert (bad_token.status_code, bad_token.text) == (400, "Invalid continuation token")


def test_component_by_id(nexus: FakeNexus) -> None:
    nexus.add_component("releases", "g", "a", "1", {"a-1.zip": b"z"})
    listed = get(nexus, COMPONENTS, params={"repository": "releases"}).json()["items"][0]
    assert get(nexus, f"{COMPONENTS}/{listed['id']}").json() == listed
    missing = base64.urlsafe_b64encode(b"releases:0000").decode().rstrip("=")
    assert get(nexus, f"{COMPONENTS}/{missing}").status_code == 404
    assert get(nexus, f"{COMPONENTS}/%21%21").status_code == 404
    no_colon = base64.urlsafe_b64encode(b"releases").decode().rstrip("=")
    assert get(nexus, f"{COMPONENTS}/{no_colon}").status_code == 422


def test_missing_content_is_a_404(nexus: FakeNexus) -> None:
    assert get(nexus, "/repository/releases/g/a/1/none.zip").status_code == 404
    assert get(nexus, "/repository/nope/x").status_code == 404


def test_replaced_content_keeps_the_listed_checksum(nexus: FakeNexus) -> None:
    (asset,) = nexus.add_component("releases", "g", "a", "1", {"a-1.zip": b"good"})
    nexus.replace_content("releases", asset["path"], b"evil")
    assert requests.get(asset["downloadUrl"], timeout=10).content == b"evil"
    again = get(nexus, SEARCH + "/assets", params={"repository": "releases"}).json()["items"][0]
    assert again["checksum"]["sha256"] == hashlib.sha256(b"good").hexdigest()


class TestAuthentication:
    @pytest.fixture
    def nexus(self) -> FakeNexus:
        with FakeNexus(users={"alice": "secret", "bob": "pw"}, anonymous=False) as server:
            server.add_repository("releases")
            server.add_repository("private")
            server.add_component("private", "g", "a", "1", {"a-1.zip": b"z"})
            yield server  # type: ignore[misc]

    def test_no_credentials_is_a_401_with_the_nexus_realm(self, nexus: FakeNexus) -> None:
        answer = get(nexus, "/service/rest/v1/repositories")
        assert answer.status_code == 401
        assert (
            answer.headers["WWW-Authenticate"] == REALM == 'BASIC realm="Sonatype Nexus Repository Manager"'
        )

    def test_a_wrong_password_is_a_401(self, nexus: FakeNexus) -> None:
        assert get(nexus, "/service/rest/v1/repositories", auth=("alice", "nope")).status_code == 401
        assert get(nexus, "/service/rest/v1/repositories", auth=("mallory", "secret")).status_code == 401

    def test_the_right_password_passes_and_is_logged(self, nexus: FakeNexus) -> None:
        assert get(nexus, "/service/rest/v1/repositories", auth=("alice", "secret")).status_code == 200
        last = nexus.requests[-1]
        assert (last.user, last.status, last.authorization) == ("alice", 200, True)

    def test_a_user_denied_a_repository_gets_403s_and_sees_no_trace_of_it(self, nexus: FakeNexus) -> None:
        nexus.deny("bob", "private")
        auth = ("bob", "pw")
        names = [r["name"] for r in get(nexus, "/service/rest/v1/repositories", auth=auth).json()]
        assert names == ["releases"]
        assert get(nexus, SEARCH, params={"repository": "private"}, auth=auth).json()["items"] == []
        assert get(nexus, COMPONENTS, params={"repository": "private"}, auth=auth).status_code == 403
        assert get(nexus, "/repository/private/g/a/1/a-1.zip", auth=auth).status_code == 403
        assert get(nexus, "/repository/private/g/a/1/a-1.zip", auth=("alice", "secret")).status_code == 200

    def test_a_user_denied_everything_sees_nothing_and_gets_a_403_only_from_components(
        self, nexus: FakeNexus
    ) -> None:
        nexus.add_component("releases", "g", "a", "1", {"a-1.zip": b"1"})
        nexus.deny("bob")
        auth = ("bob", "pw")
        assert get(nexus, "/service/rest/v1/repositories", auth=auth).json() == []
        assert get(nexus, SEARCH, params={"repository": "releases"}, auth=auth).json()["items"] == []
        forbidden = get(nexus, COMPONENTS, params={"repository": "releases"}, auth=auth)
        assert (forbidden.status_code, forbidden.content) == (403, b"")
        assert forbidden.headers["X-Siesta-FaultId"]
        missing = get(nexus, COMPONENTS, params={"repository": "nope"}, auth=auth)
        assert missing.status_code == 404 and "Unable to locate repository" in missing.text

    def test_anonymous_readers_denied_content_are_challenged(self) -> None:
        with FakeNexus() as server:
            server.add_repository("private")
            server.add_component("private", "g", "a", "1", {"a-1.zip": b"z"})
            server.deny("anonymous", "private")
            answer = get(server, "/repository/private/g/a/1/a-1.zip")
            assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == REALM


class TestFaults:
    def test_fail_next_answers_the_status_then_recovers(self, nexus: FakeNexus) -> None:
        nexus.fail_next(2, 503)
        statuses = [get(nexus, "/service/rest/v1/repositories").status_code for _ in range(3)]
        assert statuses == [503, 503, 200]

    def test_faults_can_target_a_path(self, nexus: FakeNexus) -> None:
        nexus.fail_next(1, 500, path_contains="/repository/")
        assert get(nexus, "/service/rest/v1/repositories").status_code == 200
        assert get(nexus, "/repository/releases/x").status_code == 500

    def test_hang_next_makes_the_client_time_out(self, nexus: FakeNexus) -> None:
        nexus.hang_next(1, seconds=5)
        with pytest.raises(requests.ReadTimeout):
            get(nexus, "/service/rest/v1/repositories", timeout=0.3)
        assert get(nexus, "/service/rest/v1/repositories").status_code == 200

    def test_malformed_next_cuts_the_json_short(self, nexus: FakeNexus) -> None:
        nexus.malformed_next()
        answer = get(nexus, SEARCH)
        assert answer.status_code == 200
        with pytest.raises(ValueError):
            answer.json()

    def test_stop_releases_a_hanging_request(self) -> None:
        server = FakeNexus().start()
        server.hang_next(1, seconds=60)
        with pytest.raises(requests.ReadTimeout):
            get(server, "/service/rest/v1/repositories", timeout=0.2)
        server.stop()


def test_request_log_keeps_query_and_can_be_cleared(nexus: FakeNexus) -> None:
    get(nexus, SEARCH, params={"repository": "releases", "q": "job"})
    (entry,) = nexus.requests
    assert entry.method == "GET" and entry.path == SEARCH
    assert entry.query == {"repository": ["releases"], "q": ["job"]}
    assert entry.user is None and entry.status == 200
    nexus.clear_requests()
    assert nexus.requests == []


def test_unknown_endpoints_are_404(nexus: FakeNexus) -> None:
    assert get(nexus, "/service/rest/v1/nothing").status_code == 404


def test_base_url_needs_a_started_server() -> None:
    with pytest.raises(RuntimeError):
        _ = FakeNexus().base_url


class TestRealRepositoryShapes:
    """What a data team's Nexus holds: raw files, Maven side files, docker images, odd answers."""

    def test_a_raw_file_is_its_own_component_named_by_path_grouped_by_folder(self, nexus: FakeNexus) -> None:
        nexus.add_raw_file("raw-files", "etl/patients/1.10.0/patients_1.10.0.zip", b"PK")
        (item,) = get(nexus, SEARCH, params={"repository": "raw-files"}).json()["items"]
        assert (item["group"], item["name"], item["version"]) == (
            "/etl/patients/1.10.0",
            "/etl/patients/1.10.0/patients_1.10.0.zip",
            "",
        )
        (asset,) = item["assets"]
        assert asset["path"] == "etl/patients/1.10.0/patients_1.10.0.zip" and "maven2" not in asset
        by_folder = {"repository": "raw-files", "group": "/etl/patients/*"}
        assert len(get(nexus, SEARCH, params=by_folder).json()["items"]) == 1
        assert get(nexus, "/repository/raw-files/" + asset["path"]).content == b"PK"

    def test_a_maven_version_holds_classified_jars_the_pom_and_sidecars(self, nexus: FakeNexus) -> None:
        nexus.add_maven_version("releases", "org.example", "job", "1.0", b"PK main")
        (item,) = get(nexus, SEARCH, params={"repository": "releases"}).json()["items"]
        by_name = {asset["path"].rsplit("/", 1)[-1]: asset.get("maven2", {}) for asset in item["assets"]}
        assert sorted(by_name) == sorted(
            ["job-1.0.jar", "job-1.0-sources.jar", "job-1.0-javadoc.jar", "job-1.0-tests.jar", "job-1.0.pom"]
            + [f"job-1.0.{kind}.{sum}" for kind in ("jar", "pom") for sum in ("sha1", "md5", "sha256")]
        )
        assert "classifier" not in by_name["job-1.0.jar"] and by_name["job-1.0.jar"]["extension"] == "jar"
        assert (
            by_name["job-1.0-sources.jar"]["classifier"],
            by_name["job-1.0-sources.jar"]["extension"],
        ) == (
            "sources",
            "jar",
        )
        assert by_name["job-1.0.jar.sha1"]["extension"] == "jar.sha1"
        sidecar = get(nexus, "/repository/releases/org/example/job/1.0/job-1.0.jar.sha1").text
        assert sidecar == hashlib.sha1(b"PK main").hexdigest()

    def test_maven_metadata_belongs_to_no_component(self, nexus: FakeNexus) -> None:
        path = nexus.add_maven_metadata("releases", "org.example", "job", ["1.0", "1.1"])
        assert path == "org/example/job/maven-metadata.xml"
        assert get(nexus, SEARCH, params={"repository": "releases"}).json()["items"] == []
        assert b"<version>1.1</version>" in get(nexus, f"/repository/releases/{path}").content

    def test_docker_images_are_components_named_by_image_versioned_by_tag(self, nexus: FakeNexus) -> None:
        nexus.add_repository("docker-runners", format="docker")
        nexus.add_docker_image("docker-runners", "data/python-runner", "3.12")
        (item,) = get(nexus, SEARCH, params={"repository": "docker-runners"}).json()["items"]
        assert (item["format"], item["name"], item["version"]) == ("docker", "data/python-runner", "3.12")
        assert item["assets"][0]["path"] == "v2/data/python-runner/manifests/3.12"

    def test_an_unknown_repository_is_an_empty_search_but_a_404_of_components(self, nexus: FakeNexus) -> None:
        answer = get(nexus, SEARCH, params={"repository": "nope"})
        assert answer.status_code == 200 and answer.json() == {"items": [], "continuationToken": None}
        assert get(nexus, COMPONENTS, params={"repository": "nope"}).status_code == 404

    def test_prerelease_false_still_finds_a_maven_release_candidate(self, nexus: FakeNexus) -> None:
        nexus.add_component("releases", "g", "a", "3.0.0-RC1", {"a-3.0.0-RC1.jar": b"rc"})
        params = {"repository": "releases", "prerelease": "false"}
        assert [i["version"] for i in get(nexus, SEARCH, params=params).json()["items"]] == ["3.0.0-RC1"]

    def test_a_500_can_carry_a_java_exception(self, nexus: FakeNexus) -> None:
        nexus.fail_next(1, 500, body='java.lang.NumberFormatException: For input string: "x"')
        answer = get(nexus, SEARCH, params={"repository": "releases"})
        assert answer.status_code == 500 and "NumberFormatException" in answer.text

    def test_a_repeated_token_fault_hands_the_token_back(self, nexus: FakeNexus) -> None:
        nexus.search_page_size = 1
        fill(nexus, 3)
        nexus.repeat_tokens = True
        first = page(nexus, SEARCH, None)["continuationToken"]
        assert page(nexus, SEARCH, first)["continuationToken"] == first
