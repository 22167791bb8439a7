#!/usr/bin/env bash
# Set up everything the project needs on a fresh Debian machine with Python 3.11:
# system packages (only the missing ones, with apt-get), then the .venv with this provider.
# Usage: scripts/bootstrap.sh [SYSTEM_PACKAGE...]
set -euo pipefail
cd "$(dirname "$0")/.."

# python-ldap (FAB's AUTH_LDAP) has no Linux wheels: it builds against OpenLDAP's and SASL's headers.
missing=()
for package in libldap2-dev libsasl2-dev "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing system packages: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv with $("$PYTHON" --version)"
    "$PYTHON" -m venv .venv
fi
# constraints.txt pins every package (made with `pip freeze --exclude-editable`), so a fresh
# machine installs what the tests last passed with.
stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
    echo "==> installing airflow-jobs-provider and its test tools into .venv (pinned by constraints.txt)"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -c constraints.txt -e ".[test,ldap]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
