"""The failure notifiers talk to real servers on localhost: an SMTP server and an HTTP endpoint.

What users typed (recipients, the webhook URL) is sent as data, never rendered as a template.
"""

from __future__ import annotations

import email
import json
import socketserver
from collections.abc import Iterator
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import pendulum
import pytest
import requests

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
        self.server.received.append((self.path, self.headers["Content-Type"], json.loads(body)))  # type: ignore[attr-defined]
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


def test_webhook_posts_the_failed_run_as_json(webhook_server):
    url = f"http://127.0.0.1:{webhook_server.server_address[1]}/hooks/T000?token={{{{var.value.x}}}}"
    WebhookNotifier(url=url)(_context())
    ((path, content_type, payload),) = webhook_server.received
    assert unquote(path) == "/hooks/T000?token={{var.value.x}}"
    assert content_type == "application/json"
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


def test_a_webhook_that_answers_an_error_fails_the_callback(webhook_server):
    url = f"http://127.0.0.1:{webhook_server.server_address[1]}/broken"
    with pytest.raises(requests.HTTPError, match="500"):
        WebhookNotifier(url=url)(_context())
    assert len(webhook_server.received) == 1
