"""App configuration for keystage.closing."""

from django.apps import AppConfig


class ClosingConfig(AppConfig):
    """Closing: handover, training, final budget, review & lessons, final report."""

    name = "keystage.closing"
    label = "closing"
    verbose_name = "Closing"

    def ready(self) -> None:
        """Guard the gate to Closed (handover, training, review, final budget, final report),
        assemble the final report's sections and offer past lessons to new projects'
        planning pages."""
        from keystage.closing.final_report.builtin import register_builtin_sections
        from keystage.closing.final_report.linked import register_linked_sections
        from keystage.closing.gate import (
            closing_checklist,
            final_budget_checklist,
            final_report_checklist,
        )
        from keystage.closing.review.suggestions import lesson_suggestions
        from keystage.planning.suggestions import register_plan_suggestions
        from keystage.portfolio.gate_checks import register_gate_check
        from keystage.portfolio.lifecycle import Stage

        register_gate_check(Stage.CLOSING, closing_checklist)
        register_gate_check(Stage.CLOSING, final_budget_checklist)
        register_gate_check(Stage.CLOSING, final_report_checklist)
        register_builtin_sections()
        register_linked_sections()
        register_plan_suggestions(lesson_suggestions)
