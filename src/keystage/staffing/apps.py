"""App configuration for keystage.staffing."""

from django.apps import AppConfig


class StaffingConfig(AppConfig):
    """Who does which task: it joins resources (people, skills, rates) to planning's tasks.

    No models of its own: ``Assignment`` and ``TaskSkill`` stay in planning, whose
    resource-constrained scheduler reads them.
    """

    name = "keystage.staffing"
    label = "staffing"
    verbose_name = "Staffing"
