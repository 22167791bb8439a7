"""The UI plugin: a FastAPI app inside Airflow's API server (``app``), with its JSON API (``routes``).

``airflow_plugin.JobOrchestratorPlugin`` is what Airflow loads; nothing here is imported by
DAGs, operators or the runner.
"""
