"""The compose stack's OpenLDAP configuration (deploy/openldap/config.ldif) in a real slapd.

The container's entrypoint builds cn=config with slapadd, then loads deploy/ldap/seed.ldif as
root over ldapi; this does the same outside a container (paths moved into a temporary folder,
the ldapi peer credentials being the test's own user) and checks what Airflow's login relies
on: the memberOf overlay, the bind account's read access, and nothing for anyone else.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import ldap
import ldap3
import pytest

from tests.integration.airflow_stack import ManagedProcess, free_port, tail, wait_until
from tests.ldap.slapd import BIND_DN, BIND_PASSWORD, SEED_LDIF, SLAPD_CANDIDATES, USER_PASSWORDS, read_ldif
from tests.system_programs import installed_program

CONFIG_LDIF = Path(__file__).resolve().parents[2] / "deploy" / "openldap" / "config.ldif"
PEOPLE = "ou=people,dc=example,dc=org"
DATA_OFFICE = "cn=data.office,ou=groups,dc=example,dc=org"
ROOT_PEER = "gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth"


class ComposeDirectory:
    """slapd configured from config.ldif and seeded the way the container's entrypoint does."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.socket = workdir / "run" / "ldapi"
        self.ldapi = "ldapi://" + quote(str(self.socket), safe="")
        self.process: ManagedProcess | None = None

    def start(self) -> None:
        config_dir, data_dir, run_dir = (self.workdir / name for name in ("slapd.d", "data", "run"))
        for folder in (config_dir, data_dir, run_dir):
            folder.mkdir(parents=True)
        config = (
            CONFIG_LDIF.read_text(encoding="utf-8")
            .replace("/var/lib/ldap", str(data_dir))
            .replace("/run/slapd", str(run_dir))
            .replace(
                ROOT_PEER, f"gidNumber={os.getgid()}+uidNumber={os.getuid()},cn=peercred,cn=external,cn=auth"
            )
        )
        (self.workdir / "config.ldif").write_text(config, encoding="utf-8")
        # Private copies: AppArmor profiles attach to /usr/sbin/slapd by path (see tests/ldap/slapd.py);
        # slapd is slapadd when called by that name.
        installed = installed_program(*SLAPD_CANDIDATES, package="slapd")
        slapd = self.workdir / "slapd"
        shutil.copy2(installed, slapd)
        shutil.copy2(installed, self.workdir / "slapadd")
        subprocess.run(
            [
                str(self.workdir / "slapadd"),
                "-n",
                "0",
                "-F",
                str(config_dir),
                "-l",
                str(self.workdir / "config.ldif"),
            ],
            check=True,
            capture_output=True,
        )
        self.process = ManagedProcess(
            name="slapd",
            argv=[
                str(slapd),
                "-d",
                "0",
                "-h",
                f"ldap://127.0.0.1:{self.port}/ {self.ldapi}",
                "-F",
                str(config_dir),
            ],
            log_path=self.workdir / "slapd.log",
            env={},
            cwd=self.workdir,
        )
        self.process.start()
        wait_until(self._answers, timeout=30, description="slapd to listen", interval=0.05, check=self._alive)
        root = self.root()
        for dn, attributes in read_ldif(SEED_LDIF):
            root.add_s(dn, list(attributes.items()))
        root.unbind_s()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop(grace=10)

    def root(self) -> ldap.ldapobject.LDAPObject:
        """Root of the container, through the socket: SASL EXTERNAL, as the entrypoint and
        healthcheck bind."""
        connection = ldap.initialize(self.ldapi)
        connection.sasl_external_bind_s()
        return connection

    def connection(self, user: str | None = None, password: str | None = None) -> ldap3.Connection:
        server = ldap3.Server(f"ldap://127.0.0.1:{self.port}", get_info=ldap3.NONE)
        connection = ldap3.Connection(server, user=user, password=password)
        connection.bind()
        return connection

    def _answers(self) -> bool:
        """Both listeners take connections: slapd creates the socket file before it listens."""
        try:
            self.root().unbind_s()
            with socket.create_connection(("127.0.0.1", self.port), timeout=5):
                pass
        except (ldap.SERVER_DOWN, ConnectionRefusedError):
            return False
        return True

    def _alive(self) -> None:
        if self.process is None or not self.process.running():
            raise RuntimeError(f"slapd exited:\n{tail(self.workdir / 'slapd.log')}")


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ComposeDirectory]:
    server = ComposeDirectory(tmp_path_factory.mktemp("compose-openldap"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _user_dn(name: str) -> str:
    return f"uid={name},{PEOPLE}"


def test_healthcheck_query_finds_the_required_group(directory: ComposeDirectory) -> None:
    root = directory.root()
    found = root.search_s(DATA_OFFICE, ldap.SCOPE_BASE, attrlist=["dn"])
    root.unbind_s()
    assert [dn for dn, _ in found] == [DATA_OFFICE]


def test_bind_account_reads_users_with_their_memberof(directory: ComposeDirectory) -> None:
    airflow = directory.connection(BIND_DN, BIND_PASSWORD)
    airflow.search(PEOPLE, "(uid=alice)", attributes=["memberOf", "mail"])
    assert [entry.entry_dn for entry in airflow.entries] == [_user_dn("alice")]
    assert airflow.entries[0]["memberOf"].values == [DATA_OFFICE]
    # dave is in a groupOfUniqueNames: no memberOf, found through the group search base.
    airflow.search("ou=groups,dc=example,dc=org", f"(uniqueMember={_user_dn('dave')})")
    assert [entry.entry_dn for entry in airflow.entries] == [
        "cn=data.office.contractors,ou=groups,dc=example,dc=org"
    ]
    airflow.search(PEOPLE, "(uid=alice)", attributes=["userPassword"])
    assert airflow.entries[0]["userPassword"].values == []
    airflow.unbind()


def test_users_bind_with_their_password_only(directory: ComposeDirectory) -> None:
    alice = directory.connection(_user_dn("alice"), USER_PASSWORDS["alice"])
    assert alice.bound
    alice.search(PEOPLE, "(uid=bob)", attributes=["mail"])
    assert alice.entries == []
    alice.unbind()
    assert not directory.connection(_user_dn("alice"), "wrong").bound


def test_anonymous_reads_nothing(directory: ComposeDirectory) -> None:
    anonymous = directory.connection()
    anonymous.search("dc=example,dc=org", "(objectClass=*)")
    assert anonymous.entries == []
    anonymous.unbind()
