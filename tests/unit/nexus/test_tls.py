"""TLS for real: a Nexus behind a private CA is trusted through ``ca_bundle``, and only then."""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from airflow_jobs_provider.hooks.nexus import NexusHook
from airflow_jobs_provider.hooks.nexus_errors import NexusTLSError
from tests.fakes.nexus import FakeNexus


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A private CA and a certificate for 127.0.0.1 that it signed: (ca.pem, cert.pem, key.pem)."""
    folder = tmp_path_factory.mktemp("pki")
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Corp CA"))
        .issuer_name(_name("Test Corp CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("nexus.test"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


@pytest.fixture
def nexus(pki: tuple[Path, Path, Path]) -> Iterator[FakeNexus]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki[1], pki[2])
    with FakeNexus(ssl_context=context) as server:
        server.add_repository("releases")
        server.add_component("releases", "g", "a", "1", {"a-1.zip": b"over tls"})
        yield server


def hook(monkeypatch: pytest.MonkeyPatch, nexus: FakeNexus, **extra: object) -> NexusHook:
    connection = {"conn_type": "nexus", "host": nexus.base_url, "extra": extra}
    monkeypatch.setenv("AIRFLOW_CONN_NEXUS_TLS", json.dumps(connection))
    return NexusHook("nexus_tls")


def test_the_private_ca_in_ca_bundle_is_trusted(
    monkeypatch: pytest.MonkeyPatch, nexus: FakeNexus, pki: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    client = hook(monkeypatch, nexus, ca_bundle=str(pki[0])).get_conn()
    assert nexus.base_url.startswith("https://")
    (asset,) = client.assets("releases", "g", "a", "1")
    client.download(asset, tmp_path / asset.file_name)
    assert (tmp_path / asset.file_name).read_bytes() == b"over tls"


def test_an_unknown_ca_is_a_tls_error_pointing_at_ca_bundle(
    monkeypatch: pytest.MonkeyPatch, nexus: FakeNexus
) -> None:
    with pytest.raises(NexusTLSError, match=r"CERTIFICATE_VERIFY_FAILED.*ca_bundle.*'nexus_tls'"):
        hook(monkeypatch, nexus).get_conn().list_repositories()


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_verify_false_skips_the_check(monkeypatch: pytest.MonkeyPatch, nexus: FakeNexus) -> None:
    assert [r.name for r in hook(monkeypatch, nexus, verify=False).get_conn().list_repositories()] == [
        "releases"
    ]
