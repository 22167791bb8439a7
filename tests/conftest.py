"""Shared fixtures: the simulated servers live in tests/fakes, the real slapd in tests/ldap,
the real Chromium in tests/browser; they register as plugins here."""

pytest_plugins = [
    "tests.fakes.nexus",
    "tests.fakes.kubernetes_api",
    "tests.ldap.slapd",
    "tests.browser.chromium",
    "tests.browser.ui_fixtures",
]
