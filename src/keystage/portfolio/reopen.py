"""Reopening a closed or cancelled project: the one way out of the archive.

A closed (completed) or cancelled project is read-only for everyone
(``access.project_perms``). An organisation administrator (``Perm.REOPEN``; nobody
else, whatever their project role) may reopen it with a reason. It returns to the
stage it was closed *from* — the stage of the gate that closed it: Closing for a
completed project, the stage where a no-go stopped a cancelled one — as *active*, so
the work and the gates pick up where they stopped and no gate is skipped. The
reopening is one journal entry (stage, status and the reason) and every member is
notified (``project_events.project_reopened``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from keystage.accounts.roles import Perm
from keystage.core.audit import audit_record
from keystage.core.errors import Conflict, Forbidden, InvalidInput, VersionRequired
from keystage.core.models import AuditAction
from keystage.core.versioning import compare_and_set
from keystage.portfolio.access import is_closed, project_perms
from keystage.portfolio.lifecycle import ProjectStatus, Stage
from keystage.portfolio.models import GateDecision, Project
from keystage.portfolio.project_events import project_reopened

REASON_MAX = 4000


def reopen_stage(project: Project) -> str:
    """The stage a reopened project returns to: the one the closing gate left (else Closing)."""
    closing = (
        GateDecision.objects.filter(project=project, resulting_stage=Stage.CLOSED)
        .order_by("-decided_at", "-id")
        .values_list("from_stage", flat=True)
        .first()
    )
    return closing if closing and closing != Stage.CLOSED else Stage.CLOSING


def may_reopen(who: Any, project: Project) -> bool:
    """Whether ``who`` may reopen this project now (closed, and an organisation admin)."""
    return Perm.REOPEN in project_perms(who, project)


def require_reopen(who: Any, project: Project) -> None:
    """409 unless the project is closed, 403 unless ``who`` may reopen it (before any input
    is read, so nobody else learns what a valid request would be)."""
    if not is_closed(project):
        raise Conflict(current=project, message=f"{project.code} is not closed; it is open.")
    if not may_reopen(who, project):
        raise Forbidden(
            f"Only an administrator of the organisation may reopen {project.code}; "
            "ask one to, with the reason."
        )


@transaction.atomic
def project_reopen(*, who: Any, project: Project, version: int | None, reason: str) -> Project:
    """Reopen a closed or cancelled project with a reason (organisation administrators).

    409 when the project is not closed, or when ``version`` is stale; 428 without one.
    """
    current = Project.objects.select_related("organisation").get(pk=project.pk)
    require_reopen(who, current)
    text = (reason or "").strip()
    if not text:
        raise InvalidInput({"reason": "Say why the project is reopened: it goes in the journal."})
    if len(text) > REASON_MAX:
        raise InvalidInput({"reason": f"Keep the reason under {REASON_MAX} characters."})
    if version is None:
        raise VersionRequired()
    stage = reopen_stage(current)
    before = {"stage": current.stage, "status": current.status}
    reopened = compare_and_set(current, version, {"stage": stage, "status": ProjectStatus.ACTIVE})
    audit_record(
        who=who,
        obj=reopened,
        action=AuditAction.UPDATE,
        project=reopened,
        changes={
            "stage": [before["stage"], stage],
            "status": [before["status"], ProjectStatus.ACTIVE],
            "reopen_reason": [None, text],
        },
        summary=f"Reopened {reopened.code} ({ProjectStatus(before['status']).label.lower()}) "
        f"in {Stage(stage).label}: {text}",
    )
    project_reopened(reopened, who=who, reason=text)
    return reopened
