"""App configuration for keystage.control."""

from django.apps import AppConfig


class ControlConfig(AppConfig):
    """Monitoring & control: earned value, KPIs, thresholds, health and alerts."""

    name = "keystage.control"
    label = "control"
    verbose_name = "Monitoring & control"

    def ready(self) -> None:
        """Re-check a project's KPIs after every write that moves its figures; give the
        portfolio dashboard each project's earned value (stored, kept current by the same
        hook) and health."""
        from keystage.control.evm_snapshots import mark_stale
        from keystage.control.kpis.alerts import check_after_commit
        from keystage.control.selectors.portfolio_figures import control_figures
        from keystage.portfolio.dashboard import register_project_figures
        from keystage.portfolio.project_events import register_figures_moved

        register_figures_moved(mark_stale)  # in the write's transaction
        register_figures_moved(check_after_commit)  # after its commit: KPIs, then the summary
        register_project_figures(control_figures)
