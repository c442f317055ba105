"""App configuration for keystage.control."""

from django.apps import AppConfig


class ControlConfig(AppConfig):
    """Monitoring & control: earned value, KPIs, thresholds, health and alerts."""

    name = "keystage.control"
    label = "control"
    verbose_name = "Monitoring & control"

    def ready(self) -> None:
        """Re-check a project's KPIs after every write that moves its figures; give the
        portfolio dashboard each project's earned value and health."""
        from keystage.control.kpis.alerts import check_after_commit
        from keystage.control.selectors.portfolio_figures import control_figures
        from keystage.portfolio.dashboard import register_project_figures
        from keystage.portfolio.project_events import register_figures_moved

        register_figures_moved(check_after_commit)
        register_project_figures(control_figures)
