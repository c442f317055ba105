"""App configuration for keystage.planning."""

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Stage 2: goals, scope, the work breakdown, schedule, baselines and budget."""

    name = "keystage.planning"
    label = "planning"
    verbose_name = "Planning"
