"""A real OpenLDAP ``slapd`` for tests, seeded with ``deploy/ldap/seed.ldif`` (or another seed).

``SlapdServer`` writes a ``slapd.conf`` into its own folder (mdb database, suffix
``dc=example,dc=org``, a random root password, the ACLs of a real deployment), starts Debian's
``slapd`` in the foreground on a free port and loads the seed through LDAP as the root DN, so an
optional ``memberof`` overlay records the memberships as a production directory would. ``stop()``
and ``start()`` take it down and bring it back on the same port with the same data.

With ``tls=True`` it also speaks TLS: at the first start it makes a throwaway CA and a server
certificate for 127.0.0.1/localhost in its folder (``ca_file``), and listens on ``uri`` (plain,
StartTLS allowed) and on ``ldaps_uri`` (TLS from the first byte, another port). No client trusts
that CA unless given ``ca_file``. Like a directory that guards its passwords, it then refuses
simple binds without TLS ("confidentiality required"), so a test that binds proves TLS was used.

The fixtures at the bottom are registered for every test by ``tests/conftest.py``:

- ``slapd``: one server for the session, with the ``memberof`` overlay (users have ``memberOf``).
- ``slapd_without_memberof``: one server for the session without it, like a plain OpenLDAP
  where only the group entries list their ``member``/``uniqueMember``.
- ``slapd_tls``: one server for the session with the overlay and TLS (StartTLS and ldaps://).
- ``slapd_staff``: one server for the session laid out otherwise (``tests/ldap/seed-staff.ldif``):
  users one branch deeper (``ou=staff,ou=people``, ``ou=contractors,ou=people``), every group a
  ``groupOfNames`` naming members by full DN, no ``memberOf``. Same names, passwords and groups.

Tests that take a shared server down do it with ``with server.stopped(): ...``.
"""

from __future__ import annotations

import secrets
import shutil
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import ldap3
import ldif
import pytest
from ldap3.core.exceptions import LDAPSocketOpenError

from tests.certificates import CertificateAuthority
from tests.integration.airflow_stack import ManagedProcess, free_port, tail, wait_until
from tests.system_programs import installed_program

SEED_LDIF = Path(__file__).resolve().parents[2] / "deploy" / "ldap" / "seed.ldif"
STAFF_SEED_LDIF = Path(__file__).resolve().parent / "seed-staff.ldif"
SLAPD_CANDIDATES = ("/usr/sbin/slapd", "slapd")
MODULE_PATH = "/usr/lib/ldap"
SCHEMA_DIR = Path("/etc/ldap/schema")
SCHEMAS = ("core", "cosine", "inetorgperson")

BASE_DN = "dc=example,dc=org"
PEOPLE_DN = f"ou=people,{BASE_DN}"
GROUPS_DN = f"ou=groups,{BASE_DN}"
ADMIN_DN = f"cn=admin,{BASE_DN}"
BIND_DN = f"cn=airflow,ou=services,{BASE_DN}"
# The clear passwords of the seed's hashes, as its header documents them.
BIND_PASSWORD = "airflow-bind-pass"
USER_PASSWORDS = MappingProxyType(
    {"alice": "alice-pass", "bob": "bob-pass", "carol": "carol-pass", "dave": "dave-pass"}
)
TIMEOUT_SECONDS = 5  # an int: ldap3 packs receive_timeout into a C struct
TLS_HOSTS = ["127.0.0.1", "localhost"]  # what the server certificate is valid for


def read_ldif(path: Path) -> list[tuple[str, dict[str, list[bytes]]]]:
    """The (DN, attributes) records of an LDIF file of adds, in file order."""
    with path.open("rb") as handle:
        records = ldif.LDIFRecordList(handle)
        records.parse()
    return records.all_records


@dataclass
class SlapdServer:
    """A slapd in ``workdir``: ``start()`` (or ``with``), ``stop()``, ``start()`` again.

    ``seed`` is the LDIF loaded at the first start. ``memberof`` loads the ``memberof`` overlay:
    users then get ``memberOf`` for the ``groupOfNames`` groups that list them (never for
    ``groupOfUniqueNames``). ``tls`` adds
    StartTLS on ``uri`` and a second listener, ``ldaps_uri``, with a certificate signed by a
    CA of its own (``ca_file``).
    """

    workdir: Path
    memberof: bool = True
    seed: Path = SEED_LDIF
    tls: bool = False
    startup_timeout: float = 30.0

    port: int = field(init=False, default=0)
    tls_port: int = field(init=False, default=0)
    admin_password: str = field(init=False, default_factory=lambda: secrets.token_urlsafe(16))
    _process: ManagedProcess | None = field(init=False, default=None)
    _seeded: bool = field(init=False, default=False)

    base_dn = BASE_DN
    admin_dn = ADMIN_DN
    bind_dn = BIND_DN
    bind_password = BIND_PASSWORD
    users = USER_PASSWORDS

    @property
    def uri(self) -> str:
        assert self.port, "no port yet: call start()"
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_uri(self) -> str:
        assert self.tls, "this slapd has no TLS: SlapdServer(..., tls=True)"
        assert self.tls_port, "no port yet: call start()"
        return f"ldaps://127.0.0.1:{self.tls_port}"

    @property
    def tls_dir(self) -> Path:
        return self.workdir / "tls"

    @property
    def ca_file(self) -> Path:
        """The PEM certificate of the CA that signed the server's certificate."""
        assert self.tls, "this slapd has no TLS: SlapdServer(..., tls=True)"
        return self.tls_dir / "ca.pem"

    @property
    def log_path(self) -> Path:
        return self.workdir / "slapd.log"

    def user_dn(self, name: str) -> str:
        """The DN of the seed's entry with ``uid: name`` (users sit at different depths)."""
        (dn,) = [dn for dn, attributes in read_ldif(self.seed) if attributes.get("uid") == [name.encode()]]
        return dn

    @staticmethod
    def group_dn(name: str) -> str:
        return f"cn={name},{GROUPS_DN}"

    def connection(
        self, user: str | None = None, password: str | None = None, uri: str | None = None
    ) -> ldap3.Connection:
        """An unbound ldap3 connection to ``uri`` (default: ``uri``; anonymous without ``user``).

        With TLS, the connection trusts ``ca_file`` and checks the host name: ``ldaps_uri`` is
        TLS from the start, and ``start_tls()`` upgrades a connection to ``uri``."""
        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=str(self.ca_file)) if self.tls else None
        server = ldap3.Server(uri or self.uri, tls=tls, connect_timeout=TIMEOUT_SECONDS, get_info=ldap3.NONE)
        return ldap3.Connection(server, user=user, password=password, receive_timeout=TIMEOUT_SECONDS)

    def admin_connection(self) -> ldap3.Connection:
        """A connection bound as the root DN, which no ACL restricts (over StartTLS with TLS)."""
        connection = self.connection(self.admin_dn, self.admin_password)
        if self.tls:
            connection.open()
            connection.start_tls()
        if not connection.bind():
            raise RuntimeError(f"slapd refused the root DN's bind: {connection.result}")
        return connection

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> SlapdServer:
        """Start slapd (on the port of the last start, if any), wait until the root DN can bind,
        and load the seed the first time."""
        if self._process is not None and self._process.running():
            return self
        if not self.port:
            self.port = free_port()
            self.tls_port = free_port() if self.tls else 0
            self._write_files()
        listeners = " ".join(f"{uri}/" for uri in self._uris())
        self._process = ManagedProcess(
            name="slapd",
            # -d: stay in the foreground and log each operation (stats) to the log file
            argv=[str(self.binary_path), "-d", "stats", "-h", listeners, "-f", str(self.config_path)],
            log_path=self.log_path,
            env={},  # nothing of the tests' environment (LDAP* variables) reaches slapd
            cwd=self.workdir,
        )
        try:
            self._process.start()
            wait_until(
                self._admin_can_bind,
                timeout=self.startup_timeout,
                description=f"slapd to accept binds on {' and '.join(self._uris())}",
                interval=0.05,
                check=self._check_running,
            )
            if not self._seeded:
                self._load_seed()
                self._seeded = True
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop slapd and wait until it is gone (SIGTERM, SIGKILL if it lingers)."""
        if self._process is None:
            return
        leftovers = self._process.stop(grace=10)
        self._process = None
        assert not leftovers, f"slapd still running after stop: {leftovers}"

    @contextmanager
    def stopped(self) -> Iterator[None]:
        """The server is down inside the block and up again after it, whatever happens."""
        self.stop()
        try:
            yield
        finally:
            self.start()

    def __enter__(self) -> SlapdServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- internals ---------------------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return self.workdir / "slapd.conf"

    @property
    def binary_path(self) -> Path:
        return self.workdir / "slapd"

    def _write_files(self) -> None:
        """The configuration, the database folder and a private copy of the slapd binary: on
        Ubuntu, AppArmor's profile for /usr/sbin/slapd forbids reading a configuration outside
        /etc/ldap, and profiles attach by path, so a copy runs unconfined."""
        (self.workdir / "db").mkdir(parents=True, exist_ok=True)
        shutil.copy2(installed_program(*SLAPD_CANDIDATES, package="slapd"), self.binary_path)
        if self.tls:
            self._write_certificates()
        self.config_path.write_text(self._config())

    def _write_certificates(self) -> None:
        self.tls_dir.mkdir(parents=True, exist_ok=True)
        authority = CertificateAuthority.create(f"slapd test CA {self.workdir.name}")
        authority.write_cert(self.ca_file)
        authority.issue(TLS_HOSTS, self.tls_dir / "server.pem", self.tls_dir / "server.key")

    def _uris(self) -> list[str]:
        return [self.uri, self.ldaps_uri] if self.tls else [self.uri]

    def _config(self) -> str:
        includes = "".join(f"include {SCHEMA_DIR / name}.schema\n" for name in SCHEMAS)
        memberof = (
            "overlay memberof\n"
            "memberof-group-oc groupOfNames\n"
            "memberof-member-ad member\n"
            "memberof-memberof-ad memberOf\n"
            "memberof-refint TRUE\n"
            if self.memberof
            else ""
        )
        modules = "moduleload back_mdb\n" + ("moduleload memberof\n" if self.memberof else "")
        # With TLS, a simple bind (a password) needs a security strength factor above 0: TLS.
        tls = (
            f'TLSCACertificateFile "{self.ca_file}"\n'
            f'TLSCertificateFile "{self.tls_dir / "server.pem"}"\n'
            f'TLSCertificateKeyFile "{self.tls_dir / "server.key"}"\n'
            "security simple_bind=1\n"
            if self.tls
            else ""
        )
        # ACLs as a deployment has them: passwords serve only to bind (and to change one's
        # own); the bind account reads everything else; users read their own entry only. The
        # "search" on every entry lets a user bound as themself search ou=people for their own
        # entry (FAB's flow without a bind account); filters on others' attributes match
        # nothing. The root DN is above ACLs. loglevel 0: no syslog; -d stats logs to the file.
        return (
            f"{includes}"
            f"modulepath {MODULE_PATH}\n"
            f"{modules}"
            f"{tls}"
            "loglevel 0\n"
            "database mdb\n"
            f'suffix "{BASE_DN}"\n'
            f'rootdn "{ADMIN_DN}"\n'
            f"rootpw {self.admin_password}\n"
            f'directory "{self.workdir / "db"}"\n'
            f"{memberof}"
            "access to attrs=userPassword\n"
            "    by self write\n"
            "    by anonymous auth\n"
            "    by * none\n"
            "access to attrs=entry\n"
            f'    by dn.exact="{BIND_DN}" read\n'
            "    by self read\n"
            "    by users search\n"
            "    by * none\n"
            "access to *\n"
            f'    by dn.exact="{BIND_DN}" read\n'
            "    by self read\n"
            "    by * none\n"
        )

    def _check_running(self) -> None:
        if self._process is None or not self._process.running():
            raise RuntimeError(f"slapd exited while starting:\n{tail(self.log_path)}")

    def _admin_can_bind(self) -> bool:
        """The root DN binds on every listener (with TLS: StartTLS on ``uri``, TLS on
        ``ldaps_uri``, both trusting ``ca_file``)."""
        for uri in self._uris():
            connection = self.connection(self.admin_dn, self.admin_password, uri=uri)
            try:
                connection.open()
                if self.tls and uri == self.uri:
                    connection.start_tls()
                if not connection.bind():
                    raise RuntimeError(f"slapd refused the root DN's bind on {uri}: {connection.result}")
            except LDAPSocketOpenError:
                return False  # not listening yet
            finally:
                connection.unbind()
        return True

    def _load_seed(self) -> None:
        connection = self.admin_connection()
        try:
            for dn, attributes in read_ldif(self.seed):
                if not connection.add(dn, attributes=attributes):
                    raise RuntimeError(f"loading {self.seed.name}: adding {dn}: {connection.result}")
        finally:
            connection.unbind()


# --------------------------------------------------------------------------------------------
# pytest fixtures (registered by tests/conftest.py)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlapdServer]:
    """The seeded directory with the ``memberof`` overlay, shared by the session."""
    with SlapdServer(tmp_path_factory.mktemp("slapd"), memberof=True) as server:
        yield server


@pytest.fixture(scope="session")
def slapd_without_memberof(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlapdServer]:
    """The seeded directory without ``memberOf``: group membership only in the group entries."""
    with SlapdServer(tmp_path_factory.mktemp("slapd-plain"), memberof=False) as server:
        yield server


@pytest.fixture(scope="session")
def slapd_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlapdServer]:
    """The seeded directory (with ``memberOf``) over StartTLS on ``uri`` and TLS on ``ldaps_uri``,
    its certificate signed by a throwaway CA: trust ``slapd_tls.ca_file`` to verify it."""
    with SlapdServer(tmp_path_factory.mktemp("slapd-tls"), memberof=True, tls=True) as server:
        yield server


@pytest.fixture(scope="session")
def slapd_staff(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlapdServer]:
    """The other layout (``seed-staff.ldif``): users under ``ou=staff``/``ou=contractors`` below
    ``ou=people``, ``groupOfNames`` groups only, and no ``memberOf``."""
    with SlapdServer(tmp_path_factory.mktemp("slapd-staff"), memberof=False, seed=STAFF_SEED_LDIF) as server:
        yield server
