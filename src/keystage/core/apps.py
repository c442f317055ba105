"""App configuration for keystage.core."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared base of every Keystage app."""

    name = "keystage.core"
    label = "core"
    verbose_name = "Keystage core"
