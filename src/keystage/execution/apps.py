"""App configuration for keystage.execution."""

from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    """Stage 3: the team records its work — progress, the data date, timesheets, status updates.

    Progress lives on planning's ``Task`` and the data date on its ``ProjectCalendar``,
    because the scheduler (planning's engine adapter) reads them; timesheets and status
    updates are this app's own records. Costs prices approved time as actuals.
    """

    name = "keystage.execution"
    label = "execution"
    verbose_name = "Execution"

    def ready(self) -> None:
        """Give status updates a comment thread (``notifications.threads``)."""
        from keystage.execution.status_updates import THREAD_KIND, thread_status_update
        from keystage.notifications.threads import register_thread_record

        register_thread_record(THREAD_KIND, thread_status_update)
