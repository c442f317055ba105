"""App configuration for keystage.quality."""

from django.apps import AppConfig


class QualityConfig(AppConfig):
    """Quality plans, acceptance sign-offs, defects and test runs."""

    name = "keystage.quality"
    label = "quality"
    verbose_name = "Quality"

    def ready(self) -> None:
        """The Closing → Closed gate checks the deliverables' acceptance."""
        from keystage.portfolio.gate_checks import register_gate_check
        from keystage.portfolio.lifecycle import Stage
        from keystage.quality.gate import acceptance_checklist

        register_gate_check(Stage.CLOSING, acceptance_checklist)
