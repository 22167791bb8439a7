#!/bin/sh
# Shaped like a Talend Studio export: <Job>/<Job>_run.sh starting the job from its own folder.
cd "$(dirname "$0")"
ROOT_PATH=.
echo "CustomerSync (Talend-style export) starting in $(pwd)"
exec python3 "$ROOT_PATH/src/customer_sync.py" "$@"
