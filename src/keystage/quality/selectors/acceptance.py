"""Each deliverable's acceptance for the KPIs: its latest sign-off's decision, else the
status set by hand in the scope (a deliverable nobody has signed off yet)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from keystage.planning.models import Deliverable
from keystage.planning.models.scope import DeliverableStatus
from keystage.portfolio.models import Project
from keystage.quality.models import SignOff
from keystage.quality.models.sign_offs import ACCEPTING


@dataclass(frozen=True, slots=True)
class DeliverableAcceptance:
    """A deliverable's due date and where its acceptance stands."""

    name: str
    due_date: dt.date | None
    accepted: bool
    rejected: bool
    signed: bool


def acceptance_rows(project: Project) -> list[DeliverableAcceptance]:
    """Every deliverable of ``project`` with its acceptance (two queries)."""
    latest = dict(
        SignOff.objects.filter(project=project, superseded_by__isnull=True).values_list(
            "deliverable_id", "decision"
        )
    )
    rows = []
    for pk, name, due, status in Deliverable.objects.filter(project=project).values_list(
        "pk", "name", "due_date", "status"
    ):
        decision = latest.get(pk)
        if decision is not None:
            accepted, rejected = decision in ACCEPTING, decision not in ACCEPTING
        else:
            accepted = status == DeliverableStatus.ACCEPTED
            rejected = status == DeliverableStatus.REJECTED
        rows.append(DeliverableAcceptance(name, due, accepted, rejected, decision is not None))
    return rows
