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

    def ready(self) -> None:
        """Guard the gate to Execution: every task with work has someone assigned."""
        from keystage.portfolio.gate_checks import register_gate_check
        from keystage.portfolio.lifecycle import Stage
        from keystage.staffing.gate import team_checklist

        register_gate_check(Stage.PLANNING, team_checklist)
