"""Job Orchestrator: run build artifacts from Nexus as Airflow tasks.

Kept free of Airflow imports on purpose: the stdlib-only runner lives in this package
and must start fast, without Airflow, inside job pods and local subprocesses.
"""

__version__ = "0.1.0"
