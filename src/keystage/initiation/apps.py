"""App configuration for keystage.initiation."""

from django.apps import AppConfig


class InitiationConfig(AppConfig):
    """Stage 1: the proposal, business case, research, feasibility and stakeholders."""

    name = "keystage.initiation"
    label = "initiation"
    verbose_name = "Initiation"

    def ready(self) -> None:
        """Guard the Initiation gate with the go/no-go checklist, and the gate to Execution
        with an issued charter."""
        from keystage.initiation.checklist import charter_checklist, initiation_checklist
        from keystage.portfolio.gate_checks import register_gate_check
        from keystage.portfolio.lifecycle import Stage

        register_gate_check(Stage.INITIATION, initiation_checklist)
        register_gate_check(Stage.PLANNING, charter_checklist)
