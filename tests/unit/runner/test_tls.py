"""HTTPS downloads: certificates are checked unless the plan says otherwise."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from airflow_jobs_provider.runner.download import Connection, RetryPolicy, download
from airflow_jobs_provider.runner.errors import DownloadError, UsageError
from tests.certificates import CertificateAuthority
from tests.local_servers import serving

BODY = b"print('over tls')\n"
ONE_TRY = RetryPolicy(attempts=1, first_delay=0.0)


class _Files(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a certificate from a throwaway CA: (base URL, CA file)."""
    authority = CertificateAuthority.create("runner download test CA")
    cert, key = tmp_path / "server.pem", tmp_path / "server.key"
    authority.issue(["127.0.0.1"], cert, key)
    ca_file = authority.write_cert(tmp_path / "ca.pem")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serving(server):
        yield f"https://127.0.0.1:{server.server_address[1]}", ca_file


def test_untrusted_certificate_is_refused_with_a_hint(tmp_path: Path, https_server: tuple[str, Path]) -> None:
    base_url, _ = https_server

    with pytest.raises(
        DownloadError, match=r"TLS certificate of https://127\.0\.0\.1:\d+/job\.py not trusted"
    ):
        download(f"{base_url}/job.py", tmp_path / "job.py", "sha256", Connection(), ONE_TRY)


def test_ca_bundle_makes_the_certificate_trusted(tmp_path: Path, https_server: tuple[str, Path]) -> None:
    base_url, cert = https_server

    download(f"{base_url}/job.py", tmp_path / "job.py", "sha256", Connection(ca_bundle=str(cert)), ONE_TRY)

    assert (tmp_path / "job.py").read_bytes() == BODY


def test_verification_can_be_turned_off_with_a_warning(
    tmp_path: Path, https_server: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base_url, _ = https_server

    download(f"{base_url}/job.py", tmp_path / "job.py", "sha256", Connection(verify_tls=False), ONE_TRY)

    assert (tmp_path / "job.py").read_bytes() == BODY
    assert (
        "[job-runner] WARNING: TLS certificates are not checked (verify_tls is off)"
        in capsys.readouterr().err
    )


def test_missing_ca_bundle_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"cannot load the CA bundle '/nonexistent/ca.pem'"):
        download(
            "https://127.0.0.1:1/x.py",
            tmp_path / "x.py",
            "sha256",
            Connection(ca_bundle="/nonexistent/ca.pem"),
        )


def _redirect_to(location: str) -> type[BaseHTTPRequestHandler]:
    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    return Redirect


def test_plain_http_redirected_to_https_checks_the_certificate(
    tmp_path: Path, https_server: tuple[str, Path]
) -> None:
    """The TLS context is built at the first https request, a redirect's included."""
    base_url, ca_file = https_server
    handler = _redirect_to(f"{base_url}/job.py")
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as plain:
        url = f"http://127.0.0.1:{plain.server_address[1]}/job.py"
        with pytest.raises(DownloadError, match="not trusted"):
            download(url, tmp_path / "refused.py", "sha256", Connection(), ONE_TRY)
        download(url, tmp_path / "job.py", "sha256", Connection(ca_bundle=str(ca_file)), ONE_TRY)

    assert (tmp_path / "job.py").read_bytes() == BODY
    assert not (tmp_path / "refused.py").exists()


def test_plain_http_does_not_warn_about_tls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serving(ThreadingHTTPServer(("127.0.0.1", 0), _Files)) as plain:
        url = f"http://127.0.0.1:{plain.server_address[1]}/job.py"
        download(url, tmp_path / "job.py", "sha256", Connection(verify_tls=False), ONE_TRY)

    assert (tmp_path / "job.py").read_bytes() == BODY
    assert "TLS" not in capsys.readouterr().err
