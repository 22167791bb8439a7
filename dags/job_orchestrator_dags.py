"""The job orchestrator's DAGs: one per deployment spec in ``[job_orchestrator] specs_folder``.

A deployment is data, not code: this file only asks the provider to build the DAGs from the
specs (Airflow finds DAGs in a module's globals). Its place in the DAG bundle is
``[job_orchestrator] generator_file``, so deployments can ask Airflow to parse it at once.
"""

from airflow_jobs_provider.deployments.generator import register_dags

register_dags(globals())
