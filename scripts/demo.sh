#!/usr/bin/env bash
# The README's first command: set everything up and start the embedded default —
# Airflow standalone (SQLite, LocalExecutor) with this provider, the example jobs as a local
# artifact source, and local execution. No cluster, no Nexus.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

demo="${DEMO_HOME:-$PWD/.demo}"
export PATH="$PWD/.venv/bin:$PATH"  # airflow standalone starts its components as `airflow ...` from PATH
export AIRFLOW_HOME="$demo/airflow"
export AIRFLOW__CORE__DAGS_FOLDER="$PWD/dags"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__CORE__PARALLELISM="${AIRFLOW__CORE__PARALLELISM:-4}"
export AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS="admin:admin"
export AIRFLOW__API__PORT="${PORT:-8080}"
# tasks report to the API server's execution API, which Airflow otherwise assumes on port 8080
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://localhost:${AIRFLOW__API__PORT}/execution/"
export AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT="$demo/artifacts"
mkdir -p "$AIRFLOW_HOME"

.venv/bin/python examples/seed.py "$AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT"

passwords="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
if [ ! -s "$passwords" ]; then
    .venv/bin/python -c 'import json, secrets, sys; json.dump({"admin": secrets.token_urlsafe(12)}, open(sys.argv[1], "w"))' "$passwords"
fi
password=$(.venv/bin/python -c 'import json, sys; print(json.load(open(sys.argv[1]))["admin"])' "$passwords")

cat <<BANNER

  Job Orchestrator (embedded default) is starting.
  Open   http://localhost:${AIRFLOW__API__PORT}/
  Pages  http://localhost:${AIRFLOW__API__PORT}/plugin/job-orchestrator/  (Job Orchestrator in the navigation)
  API    http://localhost:${AIRFLOW__API__PORT}/job-orchestrator/docs
  Login  admin / ${password}
  DAGs   ${AIRFLOW__CORE__DAGS_FOLDER}
  Jobs   ${AIRFLOW__JOB_ORCHESTRATOR__LOCAL_ARTIFACTS_ROOT}
  Stop   Ctrl-C

BANNER

# airflow standalone does not stop its components cleanly on Ctrl-C: some linger as orphans
# (apache/airflow#19260). So it runs in a session of its own, and this script stops that whole
# process group itself, on Ctrl-C, on SIGTERM or when standalone exits: SIGTERM first, SIGKILL
# for whatever is left after STOP_GRACE seconds.
setsid .venv/bin/airflow standalone &
standalone=$!

# Whether a process of standalone's group is still running (zombies, waiting to be reaped, are not).
group_alive() {
    ps -e -o pgid=,stat= | awk -v group="$standalone" '$1 == group && $2 !~ /^Z/ { alive = 1 } END { exit !alive }'
}

stop_airflow() {
    trap '' INT TERM
    if group_alive; then
        echo "Stopping Airflow..."
        kill -TERM -- "-$standalone" 2>/dev/null || true
        for _ in $(seq $((${STOP_GRACE:-20} * 5))); do
            group_alive || break
            sleep 0.2
        done
        kill -KILL -- "-$standalone" 2>/dev/null || true
    fi
    wait "$standalone" 2>/dev/null || true
    echo "Stopped."
}

trap 'stop_airflow; exit 130' INT
trap 'stop_airflow; exit 143' TERM
status=0
wait "$standalone" || status=$?
stop_airflow
exit "$status"
