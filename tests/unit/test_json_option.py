"""JSON options: empty means none, and every problem is one line naming the option."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from airflow_jobs_provider.json_option import parse_json_option

PORTS = TypeAdapter(dict[str, int])


class PortsError(Exception):
    pass


@pytest.mark.parametrize("text", ["", "  \n"])
def test_an_empty_option_is_none(text: str) -> None:
    assert parse_json_option(text, PORTS, "ports") is None


def test_a_valid_option_is_its_value_in_the_order_written() -> None:
    assert list(parse_json_option('{"b": 2, "a": 1}', PORTS, "ports") or {}) == ["b", "a"]


def test_every_problem_is_named_with_the_option_in_the_caller_s_error() -> None:
    with pytest.raises(PortsError) as raised:
        parse_json_option('{"a": "x", "b": []}', PORTS, "ports", PortsError)
    assert str(raised.value) == (
        "[job_orchestrator] ports is not valid: a: Input should be a valid integer, unable to parse "
        "string as an integer; b: Input should be a valid integer"
    )
    with pytest.raises(ValueError, match=r"^\[job_orchestrator\] ports is not valid: Invalid JSON: "):
        parse_json_option("{", PORTS, "ports")
