"""Spec files keep every string exactly: quotes, line breaks, templates, shell, Unicode, long values."""

from __future__ import annotations

import random

import pytest
import yaml

from airflow_jobs_provider.deployments.spec_yaml import dump_yaml, load_yaml

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
    with pytest.raises(ValueError, match="not valid YAML"):
        load_yaml("!!python/object/apply:os.system ['id']")
    with pytest.raises(ValueError, match="not valid YAML"):
        load_yaml("a: [unclosed")
    with pytest.raises(ValueError, match="not valid YAML"):
        load_yaml("when: 2024-02-30")
