"""App configuration for keystage.risks."""

from django.apps import AppConfig


class RisksConfig(AppConfig):
    """Risk register, issue log and Monte Carlo schedule & cost risk."""

    name = "keystage.risks"
    label = "risks"
    verbose_name = "Risks & issues"

    def ready(self) -> None:
        """Register the gate to Execution's *risks identified* item."""
        from keystage.portfolio.gate_checks import register_gate_check
        from keystage.portfolio.lifecycle import Stage
        from keystage.risks.gate import risks_checklist

        register_gate_check(Stage.PLANNING, risks_checklist)
