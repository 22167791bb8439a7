"""Who hears about a failed run: e-mail through the smtp provider, and a JSON webhook.

Both are Airflow notifiers (give them to ``on_failure_callback``). Unlike the providers' own
notifiers, none of their fields is a Jinja template: the recipients are typed by users, and
nothing a user types is ever rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from airflow.sdk import BaseNotifier

from airflow_jobs_provider.hooks.webhook import WebhookHook

# Long enough for a failure reason, short enough for any chat or ticket system.
MAX_REASON_CHARS = 2000


class FailureEmailNotifier(BaseNotifier):
    """E-mail through the smtp provider's ``SmtpNotifier``, with its default subject and body
    (task, run, try, error, log link) and its connection (``[email] email_conn_id``)."""

    template_fields: Sequence[str] = ()

    def __init__(self, *, to: Sequence[str]) -> None:
        super().__init__()
        self.to = list(to)

    def notify(self, context: Any) -> None:
        from airflow.configuration import conf
        from airflow.providers.smtp.notifications.smtp import SmtpNotifier

        # notify(), not __call__: SmtpNotifier would render its fields, ``to`` included, as templates.
        sender = conf.get("email", "from_email", fallback=None) or None
        SmtpNotifier(to=self.to, from_email=sender).notify(context)


class WebhookNotifier(BaseNotifier):
    """POST the failed run as JSON to the webhook of connection ``conn_id``; an error answer
    fails the callback (and is logged). The URL lives in the connection: it often holds a token."""

    template_fields: Sequence[str] = ()

    def __init__(self, *, conn_id: str) -> None:
        super().__init__()
        self.conn_id = conn_id

    def notify(self, context: Any) -> None:
        WebhookHook(self.conn_id).post_json(failure_payload(context))


def failure_payload(context: Any) -> dict[str, Any]:
    """What the webhook receives: which run of which task failed, why, and where its log is."""
    ti = context["ti"]
    logical_date = context.get("logical_date")
    exception = context.get("exception")
    return {
        "event": "task_failed",
        "dag_id": ti.dag_id,
        "task_id": ti.task_id,
        "run_id": ti.run_id,
        "try_number": ti.try_number,
        "logical_date": logical_date.isoformat() if logical_date else None,
        "reason": str(exception)[:MAX_REASON_CHARS] if exception is not None else None,
        "log_url": getattr(ti, "log_url", None),
    }
