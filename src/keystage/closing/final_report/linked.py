"""The final report's sections whose records live in other apps or other parts of closing:
risks that occurred, quality, customer acceptance, handover, training and lessons.

Each replaces its placeholder in ``builtin`` (registered after it in ``ClosingConfig.ready``)
and returns ``None`` when nothing is recorded, so the report says so.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from keystage.closing.final_report.sections import register_section
from keystage.closing.handover.services import handed_defects
from keystage.closing.models import Handover, HandoverItem, Lesson, Review, TrainingSession
from keystage.closing.training.services import completion
from keystage.quality.selectors.summary import quality_summary
from keystage.risks.models import Issue, Risk, RiskStatus


def _day(value: Any) -> str:
    return value.strftime("%d %b %Y") if value else "—"


def risks_section(project: Any) -> dict[str, Any] | None:
    """Risks that occurred (with the issue each became) and the issues raised."""
    risks = list(Risk.objects.filter(project=project).order_by("number"))
    issues = list(Issue.objects.filter(project=project).select_related("risk").order_by("number"))
    if not risks and not issues:
        return None
    occurred = [r for r in risks if r.status == RiskStatus.OCCURRED]
    still_open = [r for r in risks if r.status in (RiskStatus.OPEN, RiskStatus.MITIGATING)]
    tables = []
    if issues:
        tables.append(
            {
                "id": "final-issues",
                "caption": "Issues raised (a risk that occurred is named beside its issue)",
                "columns": ["Issue", "Title", "Severity", "From risk", "Status", "Resolution"],
                "rows": [
                    [
                        f"ISS-{i.number}",
                        i.title,
                        i.get_severity_display(),
                        f"RSK-{i.risk.number}" if i.risk is not None else "—",
                        i.get_status_display(),
                        i.resolution or "—",
                    ]
                    for i in issues
                ],
            }
        )
    return {
        "summary": [
            ["Risks registered", str(len(risks))],
            ["Risks that occurred", str(len(occurred))],
            ["Risks still open at closing", str(len(still_open))],
            ["Issues raised", str(len(issues))],
            ["Issues escalated to the sponsor", str(sum(1 for i in issues if i.escalated_at))],
        ],
        "tables": tables,
    }


def quality_section(project: Any) -> dict[str, Any] | None:
    """Test runs, pass rate and defects by severity, open defects handed on."""
    summary = quality_summary(project=project)
    if not summary.test_runs and not summary.defects:
        return None
    rate = "—" if summary.pass_rate is None else f"{summary.pass_rate:.0f} %"  # already in %
    open_by = summary.open_by_severity
    tables = []
    if summary.open_defects:
        tables.append(
            {
                "id": "final-open-defects",
                "caption": "Defects still open at closing",
                "columns": ["Defect", "Title", "Severity", "Status", "Deliverable", "Owner"],
                "rows": [
                    [d.key, d.title, d.severity, d.status, d.deliverable, d.owner or "—"]
                    for d in summary.open_defects
                ],
            }
        )
    return {
        "summary": [
            ["Test runs", str(summary.test_runs)],
            ["Cases passed of run", f"{summary.cases_passed} of {summary.cases_run} ({rate})"],
            ["Defects recorded", str(sum(sum(v.values()) for v in summary.defects.values()))],
            ["Open defects", ", ".join(f"{n} {s}" for s, n in open_by.items() if n) or "none"],
        ],
        "tables": tables,
    }


def acceptance_section(project: Any) -> dict[str, Any] | None:
    """Each deliverable's acceptance by its latest sign-off."""
    rows = quality_summary(project=project).deliverables
    if not rows or not any(d.sign_offs for d in rows):
        return None
    return {
        "summary": [
            ["Deliverables accepted", f"{sum(1 for d in rows if d.accepted)} of {len(rows)}"],
        ],
        "tables": [
            {
                "id": "final-acceptance",
                "caption": "Acceptance of each deliverable",
                "columns": ["Deliverable", "Decision", "Signed by", "On", "Conditions"],
                "rows": [
                    [
                        d.name,
                        d.decision_label,
                        d.signed_by or "—",
                        _day(d.signed_on),
                        d.conditions or "—",
                    ]
                    for d in rows
                ],
            }
        ],
    }


def handover_section(project: Any) -> dict[str, Any] | None:
    """Who supports the result, how, and whether the receiving lead signed."""
    handover = Handover.objects.filter(project=project).select_related("support_lead").first()
    if handover is None:
        return None
    items = list(HandoverItem.objects.filter(project=project).values_list("done", flat=True))
    defects = handed_defects(handover, project)
    lead = handover.support_lead
    signed = (
        f"signed on {timezone.localtime(handover.signed_at):%d %b %Y}"
        if handover.signed_at
        else "not signed"
    )
    return {
        "summary": [
            ["Receiving support lead", (lead.get_full_name() or lead.username) if lead else "—"],
            ["Support group", handover.support_group or "—"],
            ["Support model", handover.get_support_model_display()],
            ["Support hours", handover.support_hours or "—"],
            ["Checklist", f"{sum(items)} of {len(items)} items done"],
            ["Open defects handed over", str(len(defects))],
            ["Sign-off", signed],
        ],
        "tables": [
            {
                "id": "final-handed-defects",
                "caption": "Open defects handed over to support"
                + ("" if handover.signed else " (as they stand; the sign-off freezes them)"),
                "columns": ["Defect", "Title", "Severity", "Status", "Deliverable"],
                "rows": [
                    [
                        d["key"],
                        d["title"],
                        d.get("severity_label", d["severity"]),
                        d.get("status_label", d["status"]),
                        d["deliverable"] or "—",
                    ]
                    for d in defects
                ],
            }
        ]
        if defects
        else [],
    }


def training_section(project: Any) -> dict[str, Any] | None:
    """Sessions held and the completion rate against the users to train."""
    sessions = list(
        TrainingSession.objects.filter(project=project)
        .prefetch_related("attendance")
        .order_by("session_date")
    )
    if not sessions:
        return None
    rate = completion(project, sessions)
    trained = f"{rate.trained}" + (
        f" of {rate.target} ({rate.percent} %)" if rate.percent is not None else ""
    )
    return {
        "summary": [["Sessions", str(len(sessions))], ["People trained", trained]],
        "tables": [
            {
                "id": "final-training",
                "caption": "Training sessions",
                "columns": ["Date", "Session", "Audience", "Trainer", "Attended"],
                "numeric": [False, False, False, False, True],
                "rows": [
                    [
                        _day(s.session_date),
                        s.title,
                        s.audience,
                        s.trainer,
                        str(len(s.attendance.all())),
                    ]
                    for s in sessions
                ],
            }
        ],
    }


def lessons_section(project: Any) -> dict[str, Any] | None:
    """The post-project review and its lessons learned."""
    review = Review.objects.filter(project=project).first()
    lessons = list(Lesson.objects.filter(project=project).order_by("created_at"))
    if review is None and not lessons:
        return None
    summary = []
    if review is not None:
        summary = [
            ["Review held", _day(review.held_on)],
            ["Attendees", ", ".join(review.attendee_names) or "—"],
            ["What went well", review.went_well],
            ["What did not", review.went_badly],
        ]
    return {
        "summary": summary,
        "tables": [
            {
                "id": "final-lessons",
                "caption": "Lessons learned",
                "columns": ["Lesson", "Category", "Stage", "Recommendation"],
                "rows": [
                    [
                        lesson.title,
                        lesson.get_category_display(),
                        lesson.get_stage_display(),
                        lesson.recommendation,
                    ]
                    for lesson in lessons
                ],
            }
        ]
        if lessons
        else [],
    }


def register_linked_sections() -> None:
    """Replace the placeholders with the sections read from the records."""
    register_section("risks", "Risks that occurred", 60, risks_section)
    register_section("quality", "Quality", 70, quality_section)
    register_section("acceptance", "Customer acceptance", 80, acceptance_section)
    register_section("handover", "Support handover", 90, handover_section)
    register_section("training", "End-user training", 100, training_section)
    register_section("lessons", "Lessons learned", 110, lessons_section)
