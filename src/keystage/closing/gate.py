"""The Closing → Closed gate's items this app owns: the final budget reconciled (and still
current) and the final report issued. Registered with the portfolio in ``apps``."""

from __future__ import annotations

from django.utils import timezone

from keystage.closing.final_budget.selectors import final_budget_of
from keystage.closing.models import FinalReport
from keystage.portfolio.gate_checks import GateCheckItem
from keystage.portfolio.models import Project


def final_budget_checklist(project: Project) -> list[GateCheckItem]:
    """Final budget reconciled: a reconciliation whose figures and words still hold."""
    view = final_budget_of(project)
    latest = view.latest
    if latest is None:
        detail, done = "the project manager reconciles it on the Closing tab", False
    elif view.current:
        when = timezone.localtime(latest.reconciled_at)
        detail, done = f"reconciliation {latest.number}, {when:%d %b %Y}", True
    else:
        detail, done = (
            f"reconciliation {latest.number} is stale: the figures or explanations moved since",
            False,
        )
    return [GateCheckItem("final_budget", "Final budget reconciled", done, detail)]


def final_report_checklist(project: Project) -> list[GateCheckItem]:
    """Final report issued."""
    latest = FinalReport.objects.filter(project=project).order_by("-number").first()
    if latest is None:
        return [
            GateCheckItem(
                "final_report",
                "Final report issued",
                False,
                "the project manager issues it on the Closing tab",
            )
        ]
    when = timezone.localtime(latest.issued_at)
    return [
        GateCheckItem(
            "final_report",
            "Final report issued",
            True,
            f"final report {latest.number}, {when:%d %b %Y}",
        )
    ]
