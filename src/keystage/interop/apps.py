"""App configuration for keystage.interop."""

from django.apps import AppConfig


class InteropConfig(AppConfig):
    """Import and export of whole plans, task lists, registers and calendars."""

    name = "keystage.interop"
    label = "interop"
    verbose_name = "Import & export"
