"""App configuration for keystage.planning."""

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Stage 2: goals, scope, the work breakdown, schedule, baselines and budget."""

    name = "keystage.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        """Guard the Planning gate (to execution): a baseline and a set budget."""
        from keystage.planning.selectors.gate import planning_checklist
        from keystage.portfolio.gate_checks import register_gate_check
        from keystage.portfolio.lifecycle import Stage

        register_gate_check(Stage.PLANNING, planning_checklist)
