"""Alerts once per crossing: each check stores every KPI's RAG (``KpiState``); a KPI that
moves into amber or red from a better level (green, not measured, or never checked)
tells the project manager and the sponsors through ``notifications.notify`` (in-app, and
e-mail per their preferences). Re-checking at the same level tells nobody; recovering and
crossing again tells them again.

Checks run after the commit of each write that moves the figures (``check_after_commit``,
registered with ``portfolio.project_events``; the same hook then refreshes the project's
stored earned-value summary, ``control.evm_snapshots``), after a change of thresholds, and from
``keystage kpi check`` for cron — never on a page view. One check per project at a time:
the project row is locked while its states are compared and written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from keystage.control.kpis.selectors import ProjectKpis, evaluate_project
from keystage.control.models import KpiState
from keystage.engine.kpi import KpiResult, Rag, crossed_into_warning
from keystage.notifications.models import NotificationKind
from keystage.notifications.services import notify
from keystage.portfolio.lifecycle import ProjectStatus
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_leads

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one check found: the KPIs, and those that crossed into amber or red."""

    kpis: ProjectKpis
    crossings: list[KpiResult] = field(default_factory=list)
    told: int = 0


def _message(project: Project, crossings: list[KpiResult]) -> str:
    parts = [f"{r.rag.label.lower()}: {r.reason}" for r in crossings]
    return f"{project.code} KPI alert — " + "; ".join(parts)


def check_project(project: Project) -> CheckResult:
    """Evaluate ``project``'s KPIs, store their RAG and alert on each crossing (the system
    acts; no permission check — callers are the services' hook and the command line)."""
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        kpis = evaluate_project(locked)
        now = timezone.now()
        stored = {s.key: s for s in KpiState.objects.filter(project=locked)}
        crossings: list[KpiResult] = []
        fresh: list[KpiState] = []
        changed: list[KpiState] = []
        for result in kpis.results:
            state = stored.pop(result.key, None)
            before = Rag(state.rag) if state is not None else None
            if crossed_into_warning(before, result.rag):
                crossings.append(result)
            if state is None:
                fresh.append(
                    KpiState(
                        project=locked,
                        key=result.key,
                        rag=result.rag.value,
                        reason=result.reason[:500],
                        checked_at=now,
                        changed_at=now,
                    )
                )
                continue
            if state.rag != result.rag.value:
                state.changed_at = now
            state.rag, state.reason, state.checked_at = result.rag.value, result.reason[:500], now
            changed.append(state)
        KpiState.objects.bulk_create(fresh)
        KpiState.objects.bulk_update(changed, ["rag", "reason", "checked_at", "changed_at"])
        if stored:  # KPIs that are gone (a removed goal)
            KpiState.objects.filter(pk__in=[s.pk for s in stored.values()]).delete()
        told = 0
        if crossings:
            leads = project_leads(locked)
            told = len(
                notify(
                    [*leads["project_managers"], *leads["sponsors"]],
                    kind=NotificationKind.KPI_ALERT,
                    project=locked,
                    text=_message(locked, crossings),
                    url=reverse("control:health", args=[locked.public_id]),
                )
            )
    return CheckResult(kpis, crossings, told)


def check_quietly(project_id: int) -> None:
    """Run a check after a commit; a failure is logged, never raised into the request
    whose write has already committed."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return
    try:
        check_project(project)
    except Exception:
        logger.exception("KPI check of project %s failed", project_id)


@dataclass(slots=True)
class _PendingCheck:
    """A check queued for the commit; ``ran`` once it has (tests keep run hooks around)."""

    project_id: int
    ran: bool = False

    def __call__(self) -> None:
        from keystage.control.evm_snapshots import refresh_quietly

        self.ran = True
        check_quietly(self.project_id)
        refresh_quietly(self.project_id)  # the dashboard's stored earned value


def check_after_commit(project: Any) -> None:
    """Check ``project``'s KPIs once the current transaction commits (the services' hook):
    once per project and transaction, however many of its writes move the figures. The
    queue is Django's own list of commit hooks, so a check queued inside a savepoint that
    rolls back is gone with it and the next write queues it again."""
    connection = transaction.get_connection()
    for _sids, hook, *_ in connection.run_on_commit:
        if isinstance(hook, _PendingCheck) and hook.project_id == project.pk and not hook.ran:
            return
    transaction.on_commit(_PendingCheck(project.pk))


OPEN = (ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD)


def open_projects(organisation_id: int | None = None) -> Any:
    """The projects the checks watch: not closed, completed or cancelled."""
    projects = Project.objects.filter(status__in=OPEN).order_by("organisation_id", "code")
    if organisation_id is not None:
        projects = projects.filter(organisation_id=organisation_id)
    return projects


def check_organisation_after_commit(organisation_id: int) -> None:
    """Re-check every open project of an organisation in a background job queued after the
    commit (new thresholds: a request never waits for a whole portfolio)."""
    from keystage.control.tasks import check_organisation_kpis

    transaction.on_commit(lambda: check_organisation_kpis.enqueue(organisation_id))
