"""Reading the final budget through the project chokepoint: live figures, the explanations,
the reconciliations and whether the latest one still holds."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from keystage.accounts.roles import Perm
from keystage.closing.final_budget.figures import fingerprint, live_figures, pending_items
from keystage.closing.models import BudgetReconciliation, FinalBudget
from keystage.core.errors import NotFound
from keystage.core.memo import memoized
from keystage.portfolio.access import access_project, project_perms
from keystage.portfolio.lifecycle import Stage
from keystage.portfolio.models import Project


@dataclass(frozen=True)
class FinalBudgetView:
    """The final budget as a reader sees it now."""

    project: Project
    figures: dict[str, Any]
    explanations: dict[str, str]
    release_note: str
    version: int
    pending: list[str]
    #: The latest reconciliation, if any.
    latest: BudgetReconciliation | None
    current: bool  # the latest reconciliation matches the live figures and words
    can_edit: bool
    #: Every reconciliation, newest first — read only for the pages that list them.
    reconciliations: list[BudgetReconciliation] = field(default_factory=list)

    @property
    def state(self) -> str:
        """'reconciled', 'stale' (figures or words moved since) or 'not_reconciled'."""
        if self.latest is None:
            return "not_reconciled"
        return "reconciled" if self.current else "stale"


def final_budget_of(
    project: Project, *, can_edit: bool = False, history: bool = False
) -> FinalBudgetView:
    """The final budget of ``project`` (already read through the chokepoint, or the system's):
    the live figures and the latest reconciliation; every reconciliation with ``history``.

    The figures are computed once per read scope (``keystage.core.memo``), so the Closing
    tab's state and its gate checklist, or the final report and the gate, share them."""
    view = memoized(("final_budget", project.pk), lambda: _compute(project))
    return replace(
        view,
        can_edit=can_edit and project.stage == Stage.CLOSING,
        reconciliations=(
            list(BudgetReconciliation.objects.filter(project=project).order_by("-number"))
            if history
            else []
        ),
    )


def _compute(project: Project) -> FinalBudgetView:
    stored = FinalBudget.objects.filter(project=project).first()
    explanations = dict(stored.explanations) if stored else {}
    note = stored.release_note if stored else ""
    figures = live_figures(project)
    latest = BudgetReconciliation.objects.filter(project=project).order_by("-number").first()
    return FinalBudgetView(
        project=project,
        figures=figures,
        explanations=explanations,
        release_note=note,
        version=stored.version if stored else 1,
        pending=pending_items(project),
        latest=latest,
        current=latest is not None
        and latest.fingerprint == fingerprint(figures, explanations, note),
        can_edit=False,
    )


def final_budget(*, who: Any, project_id: Any) -> FinalBudgetView:
    """The final budget of a project the reader may see (404 otherwise)."""
    project = access_project(who=who, project_id=project_id, perm=Perm.VIEW)
    return final_budget_of(project, can_edit=Perm.EDIT in project_perms(who, project), history=True)


def reconciliation(*, who: Any, project_id: Any, number: int) -> BudgetReconciliation:
    """One recorded reconciliation of a project the reader may see."""
    project = access_project(who=who, project_id=project_id, perm=Perm.VIEW)
    found = BudgetReconciliation.objects.filter(project=project, number=number).first()
    if found is None:
        raise NotFound("No such budget reconciliation.")
    return found
