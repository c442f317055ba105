"""App configuration for keystage.portfolio."""

from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    """Projects, memberships and the stage-gate life cycle."""

    name = "keystage.portfolio"
    label = "portfolio"
    verbose_name = "Portfolio"
