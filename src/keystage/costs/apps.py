"""App configuration for keystage.costs."""

from django.apps import AppConfig


class CostsConfig(AppConfig):
    """The project's money: cost plan, contingency and reserve, the budget every stage reads."""

    name = "keystage.costs"
    label = "costs"
    verbose_name = "Costs"

    def ready(self) -> None:
        """Guard the Planning gate with a set budget; let baselines price the plan; give
        the portfolio dashboard each project's budget and actual cost."""
        from keystage.costs.portfolio_figures import portfolio_figures
        from keystage.costs.selectors import budget_checklist, plan_costs
        from keystage.planning.selectors.plan_snapshot import register_plan_costs
        from keystage.portfolio.dashboard import register_project_figures
        from keystage.portfolio.gate_checks import register_gate_check
        from keystage.portfolio.lifecycle import Stage

        register_gate_check(Stage.PLANNING, budget_checklist)
        register_plan_costs(plan_costs)
        register_project_figures(portfolio_figures)
