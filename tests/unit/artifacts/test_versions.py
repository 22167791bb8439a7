"""Maven ComparableVersion order: the examples Maven documents, and properties of any order."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_jobs_provider.artifacts.versions import ComparableVersion, is_release, newest_first, version_key

ASCENDING = [
    "1.0-alpha",
    "1.0-alpha-1",
    "1.0-alpha-2",
    "1.0-beta",
    "1.0-milestone-1",
    "1.0-rc-1",
    "1.0-SNAPSHOT",
    "1.0",
    "1.0-sp",
    "1.0-xyz",
    "1.0.1",
    "1.1",
    "1.9",
    "1.10",
    "2.0.0-rc.1",
    "2.0.0-rc.2",
    "2.0.0-rc.10",
    "2.0.0",
    "10.0",
]


def test_maven_cycles_are_broken_into_an_order() -> None:
    """Maven itself answers 0 < 0.a < 0-0.alpha < 0; a sort needs a total order."""
    ordered = sorted(["0-0.alpha", "0.a", "0"], key=version_key)
    keys = [version_key(v) for v in ordered]
    assert keys[0] < keys[1] < keys[2] and keys[0] < keys[2]


def test_the_documented_order_holds_pairwise() -> None:
    keys = [version_key(v) for v in ASCENDING]
    for index, lower in enumerate(keys):
        for higher in keys[index + 1 :]:
            assert lower < higher, (lower, higher)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("1.0.0", "1.0"),
        ("1.0.0", "1"),
        ("1.0-ga", "1.0"),
        ("1.0-final", "1.0"),
        ("1.0-RELEASE", "1.0"),
        ("1.0-cr1", "1.0-rc1"),
        ("1.0a1", "1.0-alpha-1"),
        ("1.0b2", "1.0-beta-2"),
        ("1.0m3", "1.0-milestone-3"),
        ("1.0-SNAPSHOT", "1.0-snapshot"),
        ("1.007", "1.7"),
    ],
)
def test_maven_equivalent_spellings_are_equal(left: str, right: str) -> None:
    assert version_key(left) == version_key(right)


def test_ten_is_newer_than_nine() -> None:
    assert version_key("1.10") > version_key("1.9")


def test_snapshot_is_older_than_its_release() -> None:
    assert version_key("1.0-SNAPSHOT") < version_key("1.0")


def test_numbers_beat_qualifiers() -> None:
    assert version_key("1.0.1") > version_key("1.0-sp")
    assert version_key("1-1") > version_key("1-alpha")


def test_newest_first_keeps_the_given_order_of_equal_versions() -> None:
    assert newest_first(["1.0", "1.10", "1.0.0", "1.9", "1.0-SNAPSHOT"]) == [
        "1.10",
        "1.9",
        "1.0",
        "1.0.0",
        "1.0-SNAPSHOT",
    ]


def test_keys_compare_only_with_keys() -> None:
    assert version_key("1") != "1"
    assert repr(version_key("1.2")) == "ComparableVersion('1.2')"
    assert {version_key("1.0"), version_key("1"), version_key("1.0.0")} == {version_key("1")}


# -- properties -------------------------------------------------------------------------------

WORDS = "0 1 2 9 10 007 alpha a beta b m rc cr snapshot SNAPSHOT ga final sp xyz v"
ATOMS = st.sampled_from([*WORDS.split(), ""])
SEPARATORS = st.sampled_from([".", "-", ""])
ANY_VERSION = st.builds(
    lambda atoms, seps: "".join(a + s for a, s in zip(atoms, seps[: len(atoms)], strict=True)),
    st.lists(ATOMS, min_size=0, max_size=6),
    st.lists(SEPARATORS, min_size=6, max_size=6),
) | st.lists(st.sampled_from("0123456789.-abcmprsz²"), max_size=12).map("".join)
NUMBERS = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=5)


PROPERTY = settings(database=None, deadline=None)  # no .hypothesis folder; slow CI is no failure


def dotted(numbers: list[int]) -> str:
    return ".".join(map(str, numbers))


def sign(left: ComparableVersion, right: ComparableVersion) -> int:
    return (left > right) - (left < right)


@PROPERTY
@given(ANY_VERSION)
def test_any_string_parses_and_equals_itself(version: str) -> None:
    assert version_key(version) == version_key(version)


@PROPERTY
@given(ANY_VERSION, ANY_VERSION)
def test_order_is_antisymmetric(left: str, right: str) -> None:
    a, b = version_key(left), version_key(right)
    assert sign(a, b) == -sign(b, a)
    assert (a == b) == (sign(a, b) == 0)


@PROPERTY
@given(ANY_VERSION, ANY_VERSION, ANY_VERSION)
def test_order_is_transitive(first: str, second: str, third: str) -> None:
    for a, b, c in itertools.permutations(map(version_key, (first, second, third))):
        if a <= b and b <= c:
            assert a <= c
        if a == b and b == c:
            assert a == c


@PROPERTY
@given(NUMBERS)
def test_trailing_zeros_do_not_count(numbers: list[int]) -> None:
    assert version_key(dotted(numbers)) == version_key(dotted(numbers) + ".0.0")


@PROPERTY
@given(NUMBERS, st.data())
def test_raising_any_number_makes_a_newer_version(numbers: list[int], data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(numbers) - 1))
    raised = list(numbers)
    raised[position] += data.draw(st.integers(min_value=1, max_value=1000))
    assert version_key(dotted(raised)) > version_key(dotted(numbers))


@PROPERTY
@given(NUMBERS, st.integers(min_value=0, max_value=99))
def test_pre_releases_come_before_the_release_and_service_packs_after(numbers: list[int], n: int) -> None:
    base = dotted(numbers)
    order = [f"{base}-alpha-{n}", f"{base}-beta-{n}", f"{base}-milestone-{n}", f"{base}-rc.{n}"]
    order += [f"{base}-SNAPSHOT", base, f"{base}-sp-{n}"]
    keys = [version_key(v) for v in order]
    assert keys == sorted(keys)
    assert all(keys[i] < keys[i + 1] for i in range(len(keys) - 1))


@PROPERTY
@given(st.lists(ANY_VERSION, max_size=12))
def test_newest_first_is_a_descending_permutation(versions: list[str]) -> None:
    ordered = newest_first(versions)
    assert sorted(ordered) == sorted(versions)
    keys = [version_key(v) for v in ordered]
    assert all(keys[i] >= keys[i + 1] for i in range(len(keys) - 1))
    assert newest_first(ordered) == ordered


def test_a_timestamped_snapshot_ranks_as_its_snapshot_below_the_release() -> None:
    ordered = ["2.0.0", "2.0.0-20240213.091500-4", "2.0.0-20240212.174455-3", "2.0.0-SNAPSHOT", "2.0.0-rc.1"]
    assert newest_first(reversed(ordered)) == ordered
    assert (
        version_key("2.0.0-20240212.174455-3") < version_key("2.0.0") < version_key("2.0.1-20240101.000000-1")
    )


@pytest.mark.parametrize(
    "version",
    [
        "3.0.0-RC1",
        "3.0.0-cr2",
        "1.0-alpha-1",
        "1.0.a1",
        "1.0-beta",
        "1.0-b2",
        "1.0-M1",
        "1.0-milestone-2",
        "1.0-SNAPSHOT",
        "2.0.0-20240212.174455-3",
        "2.0.0-rc.1",
    ],
)
def test_pre_releases_are_not_releases(version: str) -> None:
    assert not is_release(version)


@pytest.mark.parametrize(
    "version", ["1.0", "1.10.0", "2024.01", "1.0-sp1", "1.0-ga", "1.0.Final", "1.0-20240212"]
)
def test_releases_are_releases(version: str) -> None:
    assert is_release(version)
