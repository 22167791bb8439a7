#!/usr/bin/env bash
# The README's second command: set everything up, then lint, type-check and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

system_packages=()
command -v javac >/dev/null 2>&1 || system_packages+=(default-jdk-headless)
command -v Rscript >/dev/null 2>&1 || system_packages+=(r-base-core)  # R jobs run end to end
command -v curl >/dev/null 2>&1 || system_packages+=(curl)  # the user guide's example runs as a test
command -v slapd >/dev/null 2>&1 || [ -x /usr/sbin/slapd ] || system_packages+=(slapd)  # the LDAP login tests
command -v chromium >/dev/null 2>&1 || system_packages+=(chromium)  # browser tests (Playwright drives it)
scripts/bootstrap.sh "${system_packages[@]}"

export PATH="$PWD/.venv/bin:$PATH"
echo "==> ruff"
ruff check .
ruff format --check .
echo "==> mypy"
mypy
echo "==> pytest"
pytest -q -ra "$@"
