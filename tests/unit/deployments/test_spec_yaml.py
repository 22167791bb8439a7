"""Spec files keep every string exactly: quotes, line breaks, templates, shell, Unicode, long values."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from airflow_jobs_provider.deployments.spec_yaml import dump_yaml, load_yaml
from airflow_jobs_provider.deployments.store import InvalidSpec, SpecStore

HOSTILE = [
    "",
    " ",
    "  leading and trailing  ",
    "it's \"quoted\" both 'ways'",
    "line one\nline two\n",
    "no final newline\nend",
    "\n\nstarts with blank lines",
    "trailing blank lines\n\n\n",
    "windows\r\nline\r\nends",
    "lone\rcarriage return",
    "\ttab\tseparated\t",
    "   indented first line\nthen not",
    "{{ dag_run.conf['x'] }}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    "$(rm -rf /) `id` ${HOME} && echo pwned; | cat",
    "yes",
    "No",
    "null",
    "~",
    "true",
    "0x1F",
    "1e3",
    "0777",
    "2024-01-01",
    "12:30:00",
    "---",
    "...",
    "- item",
    "key: value",
    "# not a comment",
    "&anchor *alias !tag %directive @at `tick` |pipe >fold",
    "[flow, seq]",
    "{flow: map}",
    "Grüße, ☃, 😀, ∑, 漢字, עברית",
    "\u202eright-to-left override",
    "zero\u200bwidth",
    "\ufeffbyte order mark",
    "next line \x85 here",
    "line separator \u2028 paragraph \u2029 separator",
    "bell \x07 escape \x1b[31m red \x7f del \x9f",
    "\ue000 private use \U0010ffff",
    "back\\slash \\n not a newline",
    "x" * 100_000,
    "word " * 20_000,
    "line\n" * 5_000,
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_each_hostile_string_round_trips(value: str) -> None:
    document = {"value": value, "list": [value, value], "nested": {"key": value}}
    text = dump_yaml(document)
    assert load_yaml(text) == document
    assert yaml.safe_load(text) == document  # the pure-Python loader reads it the same


def test_random_strings_round_trip() -> None:
    rng = random.Random(3)
    pieces = [p for p in HOSTILE if len(p) < 100] + [
        "\n",
        "\r",
        " ",
        "\t",
        "'",
        '"',
        ":",
        "#",
        "-",
        "\x85",
        "é",
    ]
    for _ in range(3000):
        value = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        document = {"v": value, value: [value]}
        assert load_yaml(dump_yaml(document)) == document, repr(value)


def test_config_files_read_as_files() -> None:
    text = dump_yaml({"content": "[db]\nhost = db.example.org\nport = 5432\n"})
    assert text == "content: |\n  [db]\n  host = db.example.org\n  port = 5432\n"


def test_no_anchors_even_for_shared_values() -> None:
    shared = ["a", "b"]
    text = dump_yaml({"one": shared, "two": shared})
    assert "&" not in text and "*" not in text


def test_only_safe_types_are_read() -> None:
    with pytest.raises(ValueError, match=re.escape("the tag !!python/object/apply:os.system is not allowed")):
        load_yaml("!!python/object/apply:os.system ['id']")
    with pytest.raises(ValueError, match="not valid YAML"):
        load_yaml("a: [unclosed")


# A spec file of under 500 bytes that expands to 10^8 strings: nine levels of ten aliases.
BILLION_LAUGHS = "\n".join(
    [
        "format: 1",
        "spec:",
        '  a0: &a0 ["lol lol lol lol lol lol lol lol lol lol"]',
        *(f"  a{level}: &a{level} [{','.join([f'*a{level - 1}'] * 10)}]" for level in range(1, 9)),
    ]
)


def test_aliases_are_refused_before_they_expand() -> None:
    assert len(BILLION_LAUGHS) < 500
    with pytest.raises(ValueError, match=r"line 3, column 7: this value is used again through an alias"):
        load_yaml(BILLION_LAUGHS)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, 2]\nb: *x",
        "a: &x one\nb: [*x]",  # a scalar: a long string repeated is an amplifier too
        "a: &x [*x]",  # recursive
        "base: &b {x: 1}\njob: {<<: *b, y: 2}",  # a merge copies through an alias
    ],
)
def test_every_alias_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="aliases are not allowed"):
        load_yaml(text)


def test_an_anchor_never_used_is_harmless() -> None:
    assert load_yaml("a: &x 1\nb: 2") == {"a": 1, "b": 2}


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!binary aGk=", "!!binary"),
        ("a: !!set {x}", "!!set"),
        ("a: !!omap [{x: 1}]", "!!omap"),
        ("a: !!timestamp 2024-01-01", "!!timestamp"),
        ("a: !!python/name:os.system", "!!python/name:os.system"),
        ("a: !local x", "!local"),
        ("a: {!!merge <<: {x: 1}}", "!!merge"),
    ],
)
def test_tags_outside_the_core_schema_are_refused(text: str, tag: str) -> None:
    with pytest.raises(ValueError, match=f"line 1, column [0-9]+: the tag {re.escape(tag)} is not allowed"):
        load_yaml(text)


def test_core_types_read_as_before() -> None:
    text = "a: [1, -2, 0x1f, 1.5, .inf, true, no, null, ~, '', !!str 3, !!int '4']\nb: {c: d}"
    assert load_yaml(text) == {
        "a": [1, -2, 31, 1.5, float("inf"), True, False, None, None, "", "3", 4],
        "b": {"c": "d"},
    }


def test_dates_stay_strings_as_in_json() -> None:
    """A spec holds no dates: an unquoted one is the string it reads as, even one that does not exist."""
    assert load_yaml("version: 2024-01-01\nwhen: 2024-02-30\nat: 2024-01-01 10:00:00") == {
        "version": "2024-01-01",
        "when": "2024-02-30",
        "at": "2024-01-01 10:00:00",
    }


def test_merge_keys_and_equals_are_plain_strings() -> None:
    assert load_yaml("a: {<<: {x: 1}}\nb: =") == {"a": {"<<": {"x": 1}}, "b": "="}


def test_the_store_reads_every_file_through_this_loader(
    store: SpecStore, make_spec: Callable[..., Any]
) -> None:
    """A spec file and a history file with aliases: listed as invalid, and left out of the history."""
    store.create(make_spec(name="hello"), "alice")
    store.update("hello", make_spec(name="hello", args=["x"]), "alice", 1)
    (history_file,) = (store.folder / ".history" / "hello").glob("*.yaml")
    text = history_file.read_text(encoding="utf-8")
    assert text.endswith("\n") and "\nspec:\n" in text  # the spec is last: these keys land in it
    history_file.write_text(text + "\n".join(BILLION_LAUGHS.splitlines()[2:]) + "\n", encoding="utf-8")
    assert [revision.revision for revision in store.history("hello")] == [2]

    (store.folder / "bomb.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    bomb = {entry.name: entry for entry in store.list()}["bomb"]
    assert isinstance(bomb, InvalidSpec)
    assert bomb.error.startswith("not valid in a spec file: line 3, column 7: this value is used again")
