"""App configuration for keystage.resources."""

from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    """People and their skills, capacity, rates and calendars; equipment; procurement."""

    name = "keystage.resources"
    label = "resources"
    verbose_name = "Resources"
