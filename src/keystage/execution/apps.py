"""App configuration for keystage.execution."""

from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    """Stage 3: progress, time and status updates recorded while the work is done."""

    name = "keystage.execution"
    label = "execution"
    verbose_name = "Execution"
