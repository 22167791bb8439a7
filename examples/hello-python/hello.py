"""Example Python job: prints its arguments and the run context the orchestrator gives it."""

import json
import os
import sys

print("Hello from a Job Orchestrator Python job")
print("arguments:", json.dumps(sys.argv[1:], ensure_ascii=False))
for name in sorted(os.environ):
    if name.startswith("JOB_") and not name.startswith("JOB_RUNNER_"):
        print(f"{name}={os.environ[name]}")
sys.exit(0)
