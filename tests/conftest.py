"""Shared fixtures: the simulated servers live in tests/fakes, the real slapd in tests/ldap;
they register as plugins here."""

pytest_plugins = [
    "tests.fakes.nexus",
    "tests.fakes.kubernetes_api",
    "tests.ldap.slapd",
]
