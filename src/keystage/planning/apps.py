"""App configuration for keystage.planning."""

from typing import Any

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Stage 2: goals, scope, the work breakdown, schedule, baselines and budget."""

    name = "keystage.planning"
    label = "planning"
    verbose_name = "Planning"

    def ready(self) -> None:
        """Guard the Planning gate (to execution) with a baseline, and the gate to Closing
        with the deliverables submitted; register
        the schedule-run job with the services (``planning.tasks``); reschedule the plan
        when the project's start date moves; give tasks and deliverables a comment thread;
        give the portfolio dashboard each project's baseline and planned finish."""
        from keystage.notifications.threads import register_thread_record
        from keystage.planning.selectors.gate import deliverables_checklist, planning_checklist
        from keystage.planning.selectors.portfolio_figures import schedule_figures
        from keystage.planning.selectors.threads import thread_deliverable, thread_task
        from keystage.planning.services.schedule_runs import register_schedule_job
        from keystage.planning.services.wbs import plan_follow_project_start
        from keystage.portfolio.dashboard import register_project_figures
        from keystage.portfolio.gate_checks import register_gate_check
        from keystage.portfolio.lifecycle import Stage
        from keystage.portfolio.project_events import register_start_moved

        register_gate_check(Stage.PLANNING, planning_checklist)
        register_gate_check(Stage.EXECUTION, deliverables_checklist)
        register_schedule_job(_schedule_job)
        register_start_moved(plan_follow_project_start)
        register_thread_record("task", thread_task)
        register_thread_record("deliverable", thread_deliverable)
        register_project_figures(schedule_figures)
        from django.db.models.signals import post_delete

        from keystage.planning.models import PlanFile

        # A task or deliverable removed takes its files' rows along (cascade); the stored
        # files go once that transaction commits.
        post_delete.connect(_drop_stored_file, sender=PlanFile, dispatch_uid="plan-file-drop")
        import sys

        if "db_worker" in sys.argv:
            # The optimiser's compiled core is built on its first use (tens of seconds
            # without a cache): the worker builds it beside its first jobs instead.
            import threading

            from keystage.planning.engine import solver_warm_up

            threading.Thread(target=solver_warm_up, name="solver-warm-up", daemon=True).start()


def _drop_stored_file(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Delete a removed plan file's stored file after the commit."""
    from django.db import transaction

    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _schedule_job() -> Any:
    """The schedule-run job, imported on first use (it loads the solver)."""
    from keystage.planning.tasks import run_schedule

    return run_schedule
