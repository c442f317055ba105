"""A project's closing file made complete, except for what a test is about.

The gate to Closed gathers items from several apps (handover, training, review, the final
budget and report, acceptance). A test of one item completes the others with this, so a
failure names the item under test only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from keystage.closing.models import (
    Handover,
    Lesson,
    Review,
    TrainingAttendance,
    TrainingPlan,
    TrainingSession,
)
from keystage.planning.models import Deliverable
from keystage.portfolio.models import Project
from keystage.quality.models import SignOff


def complete_the_other_closing_items(project: Project, lead: Any) -> None:
    """Every deliverable accepted (one made if there is none), handover signed by ``lead``,
    one training session attended, the review held with a lesson."""
    if not Deliverable.objects.filter(project=project).exists():
        Deliverable.objects.create(project=project, name="Go-live", status="accepted")
    for deliverable in Deliverable.objects.filter(project=project):
        SignOff.objects.create(
            project=project,
            deliverable=deliverable,
            decision="accepted",
            signer=lead,
            signed_by=lead.username,
            signed_on=dt.date(2027, 2, 1),
            recorded_by=lead,
        )
    Handover.objects.create(
        project=project, support_lead=lead, signed_by=lead, signed_at=timezone.now()
    )
    TrainingPlan.objects.create(project=project, users_to_train=1)
    session = TrainingSession.objects.create(
        project=project,
        title="Basics",
        audience="Users",
        session_date=dt.date(2027, 2, 1),
        trainer="Tom",
        invited=1,
    )
    TrainingAttendance.objects.create(session=session, name="Ada")
    Review.objects.create(
        project=project,
        held_on=dt.date(2027, 2, 2),
        attendees="Ada",
        went_well="Scope",
        went_badly="Dates",
    )
    Lesson.objects.create(
        project=project,
        title="Plan the cut-over early",
        category=Lesson._meta.get_field("category").choices[0][0],
        stage="execution",
        what_happened="Late.",
        recommendation="Earlier.",
    )
