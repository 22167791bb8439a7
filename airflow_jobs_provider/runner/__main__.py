"""``python -m airflow_jobs_provider.runner``: the local operator's way in."""

import sys

from .cli import main

sys.exit(main())
