"""App configuration for keystage.closing."""

from django.apps import AppConfig


class ClosingConfig(AppConfig):
    """Closing: handover, training, final budget, review & lessons, final report."""

    name = "keystage.closing"
    label = "closing"
    verbose_name = "Closing"
