"""The ``nexus`` connection: parsed from Airflow's connection (an env var here), then used."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airflow_jobs_provider.hooks.nexus import NexusHook, NexusSettings
from airflow_jobs_provider.hooks.nexus_client import NexusClient
from tests.fakes.nexus import FakeNexus

PASSWORD = "token-pass-code-123"


def set_connection(monkeypatch: pytest.MonkeyPatch, **fields: Any) -> NexusHook:
    monkeypatch.setenv("AIRFLOW_CONN_NEXUS_TEST", json.dumps({"conn_type": "nexus", **fields}))
    return NexusHook(nexus_conn_id="nexus_test")


@pytest.mark.parametrize(
    ("fields", "base_url"),
    [
        ({"host": "https://nexus.example.org"}, "https://nexus.example.org"),
        ({"host": "https://nexus.example.org/nexus/"}, "https://nexus.example.org/nexus"),
        ({"host": "http://nexus.example.org:8081"}, "http://nexus.example.org:8081"),
        ({"host": "https://nexus.example.org", "port": 8443}, "https://nexus.example.org:8443"),
        ({"host": "nexus.example.org"}, "https://nexus.example.org"),
        ({"host": "nexus.example.org", "schema": "http", "port": 8081}, "http://nexus.example.org:8081"),
        ({"host": "nexus.example.org/nexus", "schema": "HTTPS"}, "https://nexus.example.org/nexus"),
        ({"host": "https://user:pw@nexus.example.org"}, "https://nexus.example.org"),
    ],
)
def test_host_is_a_url_or_host_schema_and_port(
    monkeypatch: pytest.MonkeyPatch, fields: dict[str, Any], base_url: str
) -> None:
    assert set_connection(monkeypatch, **fields).settings.base_url == base_url


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = set_connection(monkeypatch, host="nexus.example.org").settings
    assert settings == NexusSettings(base_url="https://nexus.example.org")
    assert settings.verify_tls is True and settings.timeout_seconds == 30.0
    assert settings.requests_verify is True


def test_extras(monkeypatch: pytest.MonkeyPatch) -> None:
    hook = set_connection(
        monkeypatch,
        host="nexus.example.org",
        login="alice",
        password=PASSWORD,
        extra={
            "verify": "true",
            "ca_bundle": "/etc/ssl/corp.pem",
            "timeout": "12.5",
            "default_repository": "rel",
        },
    )
    settings = hook.settings
    assert (settings.login, settings.password) == ("alice", PASSWORD)
    assert settings.ca_bundle == "/etc/ssl/corp.pem" and settings.requests_verify == "/etc/ssl/corp.pem"
    assert settings.timeout_seconds == 12.5 and settings.default_repository == "rel"
    assert PASSWORD not in repr(settings)


def test_extras_saved_with_the_old_form_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = set_connection(
        monkeypatch,
        host="nexus.example.org",
        extra={"extra__nexus__verify": False, "extra__nexus__default_repository": "rel"},
    ).settings
    assert settings.verify_tls is False and settings.requests_verify is False
    assert settings.default_repository == "rel"


def test_verify_false_wins_over_a_ca_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = set_connection(
        monkeypatch, host="nexus.example.org", extra={"verify": "no", "ca_bundle": "/etc/ssl/corp.pem"}
    ).settings
    assert settings.requests_verify is False


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "has no host"),
        ({"host": "ftp://nexus.example.org"}, "not an http"),
        ({"host": "nexus.example.org", "schema": "mysql"}, "not an http"),
        ({"host": "nexus.example.org", "extra": {"verify": "maybe"}}, "'verify' must be true or false"),
        ({"host": "nexus.example.org", "extra": {"timeout": "soon"}}, "'timeout' must be a positive"),
        ({"host": "nexus.example.org", "extra": {"timeout": -1}}, "'timeout' must be a positive"),
    ],
)
def test_a_bad_connection_names_itself_and_the_field(
    monkeypatch: pytest.MonkeyPatch, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        _ = set_connection(monkeypatch, **fields).settings
    assert "nexus_test" in str(caught.value)


def test_the_client_logs_in_with_the_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeNexus(users={"alice": PASSWORD}, anonymous=False) as nexus:
        nexus.add_repository("releases")
        hook = set_connection(monkeypatch, host=nexus.base_url, login="alice", password=PASSWORD)
        client = hook.get_conn()
        assert isinstance(client, NexusClient)
        assert [r.name for r in client.list_repositories()] == ["releases"]
        assert nexus.requests[-1].user == "alice"


def test_the_test_button_lists_repositories(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeNexus(users={"alice": PASSWORD}, anonymous=False) as nexus:
        nexus.add_repository("releases")
        good = set_connection(monkeypatch, host=nexus.base_url, login="alice", password=PASSWORD)
        assert good.test_connection() == (True, f"Connected to {nexus.base_url}: 1 repositories visible")
        bad = set_connection(monkeypatch, host=nexus.base_url, login="alice", password="wrong-one")
        ok, message = bad.test_connection()
        assert not ok and "HTTP 401" in message and "'nexus_test'" in message and "wrong-one" not in message


def test_the_test_button_reports_a_bad_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    assert set_connection(monkeypatch).test_connection() == (
        False,
        "connection 'nexus_test' has no host: set it to the Nexus URL",
    )


def test_connection_form() -> None:
    assert NexusHook.conn_type == "nexus" and NexusHook.default_conn_name == "nexus_default"
    assert NexusHook.conn_name_attr == "nexus_conn_id" and NexusHook.hook_name == "Sonatype Nexus"
    assert set(NexusHook.get_connection_form_widgets()) == {
        "verify",
        "ca_bundle",
        "default_repository",
        "timeout",
    }
    behaviour = NexusHook.get_ui_field_behaviour()
    assert set(behaviour) == {"hidden_fields", "relabeling", "placeholders"}
    assert behaviour["relabeling"]["password"].startswith("Password")
