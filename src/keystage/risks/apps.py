"""App configuration for keystage.risks."""

from django.apps import AppConfig


class RisksConfig(AppConfig):
    """Risk register, issue log and Monte Carlo schedule & cost risk."""

    name = "keystage.risks"
    label = "risks"
    verbose_name = "Risks & issues"
