"""Acceptance sign-offs: a deliverable accepted, accepted with conditions, or rejected.

A sign-off is never edited nor removed: a new one supersedes the latest (the history stays)
and the deliverable's acceptance follows the latest. The project manager (*edit*) records a
sign-off on behalf of a registered stakeholder or a member; a member may sign for
themselves. The sign-off names the criteria of the quality plan it judged, each met or
not; "accepted" needs every one met. The deliverable's status in the scope follows the
decision (accepted or rejected), journaled with it, and the project's KPIs are re-checked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from keystage.accounts.models import User
from keystage.accounts.roles import Perm, ProjectRole
from keystage.core.audit import audit_record
from keystage.core.errors import Conflict, InvalidInput, NotFound
from keystage.core.lookup import parse_public_id
from keystage.core.models import AuditAction
from keystage.core.versioning import versioned_update
from keystage.initiation.models import Stakeholder
from keystage.notifications.models import NotificationKind
from keystage.notifications.services import notify
from keystage.planning.models import Deliverable
from keystage.planning.models.scope import DeliverableStatus
from keystage.portfolio.access import project_perms, require_open, require_perm
from keystage.portfolio.models import Project, ProjectMembership
from keystage.portfolio.project_events import project_figures_moved
from keystage.quality.models import Criterion, CriterionResult, Decision, SignOff
from keystage.quality.models.sign_offs import ACCEPTING
from keystage.quality.records import members

#: A deliverable still being made cannot be signed off: it is submitted first.
NOT_READY = (DeliverableStatus.PLANNED, DeliverableStatus.IN_PROGRESS)


def _one_of(model: Any, raw: Any, field: str, noun: str, **scope: Any) -> Any:
    """The record of ``scope`` with this public id (or the instance), else a field error."""
    if isinstance(raw, model):
        raw = raw.public_id
    try:
        found = model.objects.filter(public_id=parse_public_id(raw), **scope).first()
    except NotFound:
        found = None
    if found is None:
        raise InvalidInput({field: f"Choose one of this project's {noun}."})
    return found


def _signer(project: Project, data: dict[str, Any]) -> tuple[Stakeholder | None, User | None]:
    stakeholder_ref, signer_ref = data.get("stakeholder"), data.get("signer")
    if stakeholder_ref and signer_ref:
        raise InvalidInput({"signer": "Name a stakeholder or a member, not both."})
    if stakeholder_ref:
        return (
            _one_of(
                Stakeholder,
                stakeholder_ref,
                "stakeholder",
                "stakeholders",
                project=project,
            ),
            None,
        )
    if not signer_ref:
        raise InvalidInput({"stakeholder": "Name the stakeholder (or the member) who signs."})
    if isinstance(signer_ref, User):
        found = members(project).filter(pk=signer_ref.pk).first()
    else:
        found = members(project).filter(username=str(signer_ref).strip()).first()
    if found is None:
        raise InvalidInput({"signer": "Choose a member of this project."})
    return None, found


def _results(deliverable: Deliverable, decision: str, raw: Any) -> list[CriterionResult]:
    """The judged criteria: each of this deliverable's plan once, every one of them."""
    plan = {c.public_id: c for c in Criterion.objects.filter(deliverable=deliverable)}
    results: list[CriterionResult] = []
    seen: set[Any] = set()
    for row in raw or []:
        try:
            key = parse_public_id(row.get("criterion"))
        except NotFound:
            key = None
        criterion = plan.get(key) if key is not None else None
        if criterion is None:
            raise InvalidInput(
                {"results": f"{row.get('criterion')!s} is not a criterion of '{deliverable}'."}
            )
        if key in seen:
            raise InvalidInput({"results": f"'{criterion.text}' is judged twice."})
        seen.add(key)
        note = str(row.get("note") or "").strip()
        if len(note) > 500:
            raise InvalidInput({"results": "A note is at most 500 characters."})
        results.append(
            CriterionResult(
                criterion=criterion,
                criterion_text=criterion.text,
                met=bool(row.get("met")),
                note=note,
            )
        )
    missing = [c.text for k, c in plan.items() if k not in seen]
    if missing:
        raise InvalidInput({"results": f"Judge every criterion; missing: {'; '.join(missing)}."})
    if decision == Decision.ACCEPTED and any(not r.met for r in results):
        raise InvalidInput(
            {"decision": "A criterion is not met: accept with conditions, or reject."}
        )
    return results


def _check(project: Project, deliverable: Deliverable, data: dict[str, Any]) -> dict[str, Any]:
    decision = data.get("decision")
    if decision not in Decision.values:
        raise InvalidInput({"decision": f"Choose one of: {', '.join(Decision.values)}."})
    conditions = str(data.get("conditions") or "").strip()
    comment = str(data.get("comment") or "").strip()
    errors: dict[str, str] = {}
    if decision == Decision.CONDITIONAL and not conditions:
        errors["conditions"] = "Say which conditions the acceptance comes with."
    elif decision != Decision.CONDITIONAL and conditions:
        errors["conditions"] = "Conditions go with 'accepted with conditions' only."
    if len(conditions) > 2000:
        errors["conditions"] = "At most 2000 characters."
    if len(comment) > 2000:
        errors["comment"] = "At most 2000 characters."
    if decision == Decision.REJECTED and not comment:
        errors["comment"] = "Say why it is rejected."
    signed_on = data.get("signed_on") or timezone.localdate()
    if not isinstance(signed_on, dt.date):
        errors["signed_on"] = "Give a date as YYYY-MM-DD."
    elif signed_on > timezone.localdate():
        errors["signed_on"] = "A sign-off is dated today or earlier."
    if deliverable.status in NOT_READY:
        errors["deliverable"] = (
            f"'{deliverable}' is {deliverable.get_status_display().lower()}: submit it for "
            "acceptance on the Scope tab first."
        )
    if errors:
        raise InvalidInput(errors)
    return {"decision": decision, "conditions": conditions, "comment": comment, "on": signed_on}


def latest_sign_off(deliverable: Deliverable) -> SignOff | None:
    """The sign-off in force for ``deliverable`` (none superseded it), or None."""
    return (
        SignOff.objects.filter(deliverable=deliverable, superseded_by__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def sign_off_create(*, who: User, project: Project, data: dict[str, Any]) -> SignOff:
    """Record a sign-off of a deliverable of ``project``; it supersedes the latest one.

    ``data``: ``deliverable`` (public id), ``decision``, ``conditions``, ``comment``,
    ``stakeholder`` (public id) or ``signer`` (username), ``signed_on`` (default today),
    ``results`` (``[{criterion, met, note}]``, every criterion of the plan), and optionally
    ``supersedes``: the sign-off the caller saw as the latest (None: none yet) — when another
    was recorded meanwhile the answer is 409.
    """
    require_perm(who=who, project=project, perm=Perm.VIEW)
    require_open(project)
    deliverable = _one_of(
        Deliverable,
        data.get("deliverable"),
        "deliverable",
        "deliverables",
        project=project,
    )
    checked = _check(project, deliverable, data)
    stakeholder, signer = _signer(project, data)
    if Perm.EDIT not in project_perms(who, project) and (signer is None or signer.pk != who.pk):
        raise InvalidInput(
            {"signer": "Only the project manager records a sign-off for someone else."}
        )
    results = _results(deliverable, checked["decision"], data.get("results"))
    latest = latest_sign_off(Deliverable.objects.select_for_update().get(pk=deliverable.pk))
    if "supersedes" in data:
        seen = data["supersedes"] or None
        current = latest.public_id if latest else None
        if (str(seen) if seen else None) != (str(current) if current else None):
            raise Conflict(
                current=latest,
                message=f"'{deliverable}' was signed off by someone else meanwhile; review "
                "the latest sign-off and record yours again.",
            )
    if stakeholder is not None:
        label = stakeholder.name + (f", {stakeholder.role}" if stakeholder.role else "")
    else:
        assert signer is not None
        label = signer.get_full_name() or signer.username
    sign_off = SignOff.objects.create(
        project=project,
        deliverable=deliverable,
        decision=checked["decision"],
        conditions=checked["conditions"],
        comment=checked["comment"],
        stakeholder=stakeholder,
        signer=signer,
        signed_by=label,
        signed_on=checked["on"],
        recorded_by=who,
        supersedes=latest,
    )
    for result in results:
        result.sign_off = sign_off
    CriterionResult.objects.bulk_create(results)
    met = sum(r.met for r in results)
    audit_record(
        who=who,
        obj=sign_off,
        action=AuditAction.CREATE,
        project=project,
        changes={
            "deliverable": [None, deliverable.name],
            "decision": [None, checked["decision"]],
            "signed_by": [None, label],
            "signed_on": [None, checked["on"].isoformat()],
            "conditions": [None, checked["conditions"]],
            "criteria_met": [None, f"{met} of {len(results)}"],
        },
        summary=f"'{deliverable}' {sign_off.get_decision_display().lower()} by {label}",
    )
    status = (
        DeliverableStatus.ACCEPTED
        if checked["decision"] in ACCEPTING
        else DeliverableStatus.REJECTED
    )
    fresh = Deliverable.objects.get(pk=deliverable.pk)
    if fresh.status != status:
        versioned_update(
            who=who,
            instance=fresh,
            expected_version=fresh.version,
            changes={"status": status},
            project=project,
            summary=f"Deliverable '{deliverable}' {status.label.lower()} by its sign-off",
        )
    project_figures_moved(project)
    managers = [
        m.user
        for m in ProjectMembership.objects.filter(
            project=project, role=ProjectRole.PROJECT_MANAGER
        ).select_related("user")
    ]
    notify(
        managers, kind=NotificationKind.DELIVERABLE_SIGNED_OFF, project=project, actor=who,
        text=f"{project.code}: '{deliverable}' {sign_off.get_decision_display().lower()} by "
        f"{label} ({met} of {len(results)} criteria met).",
        url=reverse("quality:overview", args=[project.public_id]),
    )  # fmt: skip
    return sign_off
