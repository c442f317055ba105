"""App configuration for keystage.execution."""

from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    """Stage 3: the team records its work (timesheets, progress); costs prices it as actuals."""

    name = "keystage.execution"
    label = "execution"
    verbose_name = "Execution"
