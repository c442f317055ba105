"""The gate Closing → Closed: the items this app owns.

Handover signed, training recorded, review held with its lessons; the final budget
reconciled (and still current) and the final report issued. Registered with the portfolio
in ``ClosingConfig.ready``; acceptance of the deliverables is quality's item.
"""

from __future__ import annotations

from django.utils import timezone

from keystage.closing.final_budget.selectors import final_budget_of
from keystage.closing.models import FinalReport, Handover, HandoverItem, Lesson, Review
from keystage.closing.training.services import completion
from keystage.portfolio.gate_checks import GateCheckItem
from keystage.portfolio.models import Project


def _handover_item(project: Project) -> GateCheckItem:
    handover = Handover.objects.filter(project=project).select_related("signed_by").first()
    if handover is None:
        return GateCheckItem("handover", "Handover signed", False, "no handover recorded yet")
    if handover.signed and handover.signed_by is not None and handover.signed_at is not None:
        who = handover.signed_by.get_full_name() or handover.signed_by.username
        day = timezone.localtime(handover.signed_at).strftime("%d %b %Y")
        return GateCheckItem("handover", "Handover signed", True, f"signed by {who} on {day}")
    items = list(HandoverItem.objects.filter(project=project).values_list("done", flat=True))
    detail = f"not signed; {sum(items)} of {len(items)} checklist items done"
    if handover.support_lead_id is None:
        detail += "; no receiving support lead named"
    return GateCheckItem("handover", "Handover signed", False, detail)


def _training_item(project: Project) -> GateCheckItem:
    rate = completion(project)
    if rate.sessions == 0:
        return GateCheckItem("training", "Training recorded", False, "no training session yet")
    if rate.attendances == 0:
        return GateCheckItem(
            "training", "Training recorded", False, "no attendance recorded for the sessions"
        )
    detail = f"{rate.sessions} sessions, {rate.trained} people trained"
    if rate.percent is not None:
        detail += f" of {rate.target} ({rate.percent} %)"
    return GateCheckItem("training", "Training recorded", True, detail)


def _review_item(project: Project) -> GateCheckItem:
    review = Review.objects.filter(project=project).first()
    lessons = Lesson.objects.filter(project=project).count()
    if review is None:
        return GateCheckItem("review", "Review held", False, "no post-project review recorded")
    if lessons == 0:
        return GateCheckItem(
            "review", "Review held", False, f"held on {review.held_on:%d %b %Y}; no lessons yet"
        )
    return GateCheckItem(
        "review",
        "Review held",
        True,
        f"held on {review.held_on:%d %b %Y}; {lessons} lessons learned",
    )


def closing_checklist(project: Project) -> list[GateCheckItem]:
    """Handover signed, training recorded, review held with its lessons."""
    return [_handover_item(project), _training_item(project), _review_item(project)]


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
