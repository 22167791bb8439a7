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
command -v npm >/dev/null 2>&1 || system_packages+=(nodejs npm)  # the front end's checks and build
scripts/bootstrap.sh "${system_packages[@]}"

export PATH="$PWD/.venv/bin:$PATH"
echo "==> ruff"
ruff check .
ruff format --check .
echo "==> mypy"
mypy
echo "==> front end (plugins/ui): lint, types, unit tests, then the committed build must be current"
(
    cd plugins/ui
    npm ci --no-audit --no-fund
    npm run lint
    npm run typecheck
    npm test
    npm run codegen
    npm run build
)
stale=$(git status --porcelain -- plugins/ui/src/api airflow_jobs_provider/plugin/static)
if [ -n "$stale" ]; then
    echo "The committed front-end build or typed client differs from a fresh build:" >&2
    echo "$stale" >&2
    echo "Run 'npm run codegen && npm run build' in plugins/ui and commit the result." >&2
    exit 1
fi
echo "==> the lowest Airflow the package allows, for the pages' smoke test (tests/browser/lowest_airflow.py)"
lowest=$(python tests/browser/lowest_airflow.py)
lowest_venv=.test-runs/lowest-airflow/venv
lowest_constraints=tests/browser/lowest-airflow-constraints.txt
lowest_stamp="$lowest_venv/.installed-$lowest-$(cat pyproject.toml "$lowest_constraints" | sha256sum | cut -c1-16)"
if [ ! -f "$lowest_stamp" ]; then
    rm -rf "$lowest_venv"
    python3 -m venv "$lowest_venv"
    "$lowest_venv/bin/python" -m pip install -q -c "$lowest_constraints" "apache-airflow==$lowest" -e .
    touch "$lowest_stamp"
fi
echo "==> pytest"
pytest -q -ra "$@"
