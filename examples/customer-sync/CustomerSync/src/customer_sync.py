"""Stands in for a Talend job's Java code: reads --context_param arguments like Talend does."""

import sys

params = {}
for argument in sys.argv[1:]:
    if argument.startswith("--context_param"):
        continue
    if "=" in argument:
        key, value = argument.split("=", 1)
        params[key] = value
print("context parameters:", params)
print("synchronised 3 customers")
