"""App configuration for keystage.execution."""

from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    """Stage 3: the team records the work — progress on tasks and the data date.

    No models of its own yet: progress lives on planning's ``Task`` and the data date on
    its ``ProjectCalendar``, because the scheduler (planning's engine adapter) reads them.
    """

    name = "keystage.execution"
    label = "execution"
    verbose_name = "Execution"
