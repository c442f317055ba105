"""App configuration for keystage.quality."""

from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Quality plans, acceptance sign-offs, defects and test runs."""

    name = "keystage.quality"
    label = "quality"
    verbose_name = "Quality"
