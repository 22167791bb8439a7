"""Shared fixtures: the simulated servers live in tests/fakes and register as plugins here."""

pytest_plugins = [
    "tests.fakes.nexus",
    "tests.fakes.kubernetes_api",
]
