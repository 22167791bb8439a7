"""The failure notifiers talk to real servers on localhost: an SMTP server and an HTTP endpoint.

What users typed (recipients) and the webhook connection's URL are sent as data, never rendered as a template.
"""

from __future__ import annotations

import email
import json
import re
import socket
import socketserver
from collections.abc import Iterator
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pendulum
import pytest
from airflow.sdk._shared.secrets_masker import redact

from airflow_jobs_provider.hooks.webhook import WebhookError
from airflow_jobs_provider.notifications import FailureEmailNotifier, WebhookNotifier
from tests.local_servers import serving

TEMPLATED_ADDRESS = "{{7*7}}@example.org"


def _context() -> dict[str, Any]:
    ti = SimpleNamespace(
        dag_id="job_customer-sync",
        task_id="run",
        run_id="scheduled__2024-05-01T03:00:00+00:00",
        try_number=2,
        max_tries=1,
        state="failed",
        hostname="worker-1",
        log_url="http://airflow.example.org/dags/job_customer-sync/runs/x/tasks/run?try_number=2",
    )
    return {
        "ti": ti,
        "logical_date": pendulum.datetime(2024, 5, 1, 3, tz="UTC"),
        "exception": RuntimeError("Job customer-sync (pod x) failed: OOMKilled"),
    }


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every command is accepted, each message is kept."""

    def handle(self) -> None:
        self.wfile.write(b"220 fake ESMTP\r\n")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
            if verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                data = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.server.messages.append(
                    (recipients, email.message_from_bytes(data, policy=default_policy))
                )  # type: ignore[attr-defined]
            if verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server(monkeypatch) -> Iterator[list]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.messages = []  # type: ignore[attr-defined]
    connection = {
        "conn_type": "smtp",
        "host": "127.0.0.1",
        "port": server.server_address[1],
        "extra": {"disable_ssl": True, "disable_tls": True},
    }
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(connection))
    monkeypatch.setenv("AIRFLOW__EMAIL__FROM_EMAIL", "airflow@example.org")
    with serving(server):
        yield server.messages  # type: ignore[attr-defined]


def test_email_goes_to_the_recipients_as_typed(smtp_server):
    FailureEmailNotifier(to=["ops@example.org", TEMPLATED_ADDRESS])(_context())
    ((recipients, message),) = smtp_server
    assert recipients == ["ops@example.org", TEMPLATED_ADDRESS]
    assert message["To"] == f"ops@example.org, {TEMPLATED_ADDRESS}"
    assert message["From"] == "airflow@example.org"
    # The smtp provider's own subject and body templates are rendered, with the run's values.
    assert "DAG job_customer-sync - Task run" in message["Subject"]
    assert "worker-1" in message.get_body().get_content()


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, dict(self.headers), json.loads(body)))  # type: ignore[attr-defined]
        status = 500 if self.path.startswith("/broken") else 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def webhook_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.received = []  # type: ignore[attr-defined]
    with serving(server):
        yield server


def _connection(monkeypatch: pytest.MonkeyPatch, conn_id: str, **fields: Any) -> None:
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps({"conn_type": "generic", **fields}))


def test_webhook_posts_the_failed_run_as_json_to_the_connections_url(webhook_server, monkeypatch):
    port = webhook_server.server_address[1]
    _connection(
        monkeypatch, "team_hook", host=f"http://127.0.0.1:{port}/hooks/T000?token={{{{var.value.x}}}}"
    )
    WebhookNotifier(conn_id="team_hook")(_context())
    ((path, headers, payload),) = webhook_server.received
    assert unquote(path) == "/hooks/T000?token={{var.value.x}}"  # data, never rendered
    assert headers["Content-Type"] == "application/json"
    assert "Authorization" not in headers
    assert payload == {
        "event": "task_failed",
        "dag_id": "job_customer-sync",
        "task_id": "run",
        "run_id": "scheduled__2024-05-01T03:00:00+00:00",
        "try_number": 2,
        "logical_date": "2024-05-01T03:00:00+00:00",
        "reason": "Job customer-sync (pod x) failed: OOMKilled",
        "log_url": "http://airflow.example.org/dags/job_customer-sync/runs/x/tasks/run?try_number=2",
    }


def test_webhook_connection_by_host_name_with_auth_and_headers(webhook_server, monkeypatch):
    _connection(
        monkeypatch,
        "ticket_hook",
        host="127.0.0.1",
        schema="http",
        port=webhook_server.server_address[1],
        login="airflow",
        password="pa:ss",
        extra={"headers": {"X-Api-Key": "k-123"}},
    )
    WebhookNotifier(conn_id="ticket_hook")(_context())
    ((path, headers, _),) = webhook_server.received
    assert path == "/"
    assert headers["Authorization"] == "Basic YWlyZmxvdzpwYTpzcw=="  # airflow:pa:ss
    assert headers["X-Api-Key"] == "k-123"


def test_the_url_and_header_values_are_masked_in_logs(webhook_server, monkeypatch):
    url = f"http://127.0.0.1:{webhook_server.server_address[1]}/hooks/T000/B000/SeCrEtToKeN"
    _connection(monkeypatch, "team_hook", host=url, extra={"headers": {"Authorization": "Bearer t0k3n-xyz"}})
    WebhookNotifier(conn_id="team_hook")(_context())
    assert redact(f"posting to {url}") == "posting to ***"
    assert "t0k3n-xyz" not in redact("header Bearer t0k3n-xyz")


def test_an_error_answer_fails_the_callback_without_quoting_the_url(webhook_server, monkeypatch):
    port = webhook_server.server_address[1]
    _connection(monkeypatch, "team_hook", host=f"http://127.0.0.1:{port}/broken/SeCrEtToKeN")
    with pytest.raises(WebhookError) as raised:
        WebhookNotifier(conn_id="team_hook")(_context())
    assert str(raised.value) == (
        f"webhook connection 'team_hook' (http://127.0.0.1:{port}) answered HTTP 500 Internal Server Error"
    )
    assert len(webhook_server.received) == 1


def test_an_unreachable_webhook_is_said_so_without_the_url(monkeypatch):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    _connection(monkeypatch, "team_hook", host=f"http://127.0.0.1:{port}/SeCrEtToKeN")
    with pytest.raises(WebhookError, match=r"could not be reached: ConnectionError$") as raised:
        WebhookNotifier(conn_id="team_hook")(_context())
    assert "SeCrEtToKeN" not in str(raised.value)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({}, "connection 'team_hook' has no host: set it to the webhook's URL"),
        (
            {"host": "ftp://files.example.org/SeCrEt"},
            "connection 'team_hook': its host is not an http(s) URL",
        ),
        ({"host": "hooks.example.org", "extra": {"headers": ["x"]}}, "extra 'headers' must map header names"),
        (
            {"host": "hooks.example.org", "extra": {"timeout": "-1"}},
            "extra 'timeout' must be a positive number",
        ),
    ],
)
def test_a_broken_connection_is_named_with_its_field(monkeypatch, fields, problem):
    _connection(monkeypatch, "team_hook", **fields)
    with pytest.raises(ValueError, match=re.escape(problem)) as raised:
        WebhookNotifier(conn_id="team_hook")(_context())
    assert "SeCrEt" not in str(raised.value)


def test_a_connection_the_admin_does_not_allow_is_never_read_or_posted_to(webhook_server, monkeypatch):
    """A spec file edited by hand cannot make the worker send another connection's credentials."""
    port = webhook_server.server_address[1]
    _connection(monkeypatch, "aws_default", host=f"http://127.0.0.1:{port}/x", login="key", password="s3cr3t")
    monkeypatch.setenv("AIRFLOW__JOB_ORCHESTRATOR__WEBHOOK_CONNECTIONS", "webhook_*")
    with pytest.raises(
        ValueError, match=r"connection 'aws_default' is not one the admin allows for webhooks"
    ):
        WebhookNotifier(conn_id="aws_default").notify(_context())
    assert webhook_server.received == []

    _connection(monkeypatch, "webhook_team", host=f"http://127.0.0.1:{port}/team")
    WebhookNotifier(conn_id="webhook_team").notify(_context())
    assert [path for path, _, _ in webhook_server.received] == ["/team"]
