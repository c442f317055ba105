"""App configuration for keystage.control."""

from django.apps import AppConfig


class ControlConfig(AppConfig):
    """Monitoring and control: how the project performs against its baseline."""

    name = "keystage.control"
    label = "control"
    verbose_name = "Monitoring and control"
