"""Writes of change requests: raise, compose, compute the impact, submit, decide, apply.

* Anyone who contributes to the project raises a request (a draft); the project manager
  (*edit*) composes its plan edits, computes the impact and submits it — the sponsor is told.
* Only the sponsor (``Perm.DECIDE_GATE``: the separation of duties keeps the project
  manager out) approves or rejects, with a comment; the requester is told.
* The project manager applies an approved request: under the plan lock, the impact is
  recomputed against the plan as it stands; if the plan moved since the impact was
  computed, a 409 carries the fresh impact and nothing is written. Otherwise each edit
  goes through planning's (and the cost plan's) own services, so versions and the journal
  hold, and a named baseline referencing the request is captured.

Every transition is version-checked and journaled; closed or cancelled projects refuse
all of it through the permission chokepoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from keystage.accounts.models import User
from keystage.accounts.roles import Perm, ProjectRole
from keystage.control.changes import edits as plan_edits
from keystage.control.models import ChangeRequest
from keystage.control.models.changes import ChangeCategory, ChangeStatus
from keystage.core import records
from keystage.core.errors import Conflict, Forbidden, InvalidInput
from keystage.core.versioning import versioned_update
from keystage.costs import services as cost_services
from keystage.costs.models import BudgetLine, ProjectBudget
from keystage.notifications.models import NotificationKind
from keystage.notifications.services import notify
from keystage.planning.models import Dependency, Task
from keystage.planning.services import baselines, dependencies, wbs
from keystage.planning.services.plan_lock import plan_lock
from keystage.portfolio.access import project_perms, require_perm
from keystage.portfolio.models import Project, ProjectMembership

FIELDS = ("title", "description", "reason", "category")
COMMENT_MAX = 4000


def change_url(change: ChangeRequest) -> str:
    """The request's page."""
    return reverse("control:change-detail", args=[change.project.public_id, change.number])


def _fields(data: Mapping[str, Any]) -> dict[str, Any]:
    out = {f: str(data[f]).strip() for f in FIELDS if f in data and data[f] is not None}
    if "category" in out and out["category"] not in ChangeCategory.values:
        raise InvalidInput({"category": f"Choose one of: {', '.join(ChangeCategory.values)}."})
    return out


@transaction.atomic
def change_create(*, who: User, project: Project, data: Mapping[str, Any]) -> ChangeRequest:
    """Raise a change request (a draft) in the project; anyone who contributes may."""
    require_perm(who=who, project=project, perm=Perm.CONTRIBUTE)
    Project.objects.select_for_update().filter(pk=project.pk).first()  # serialise numbering
    fields = _fields(data)
    if not fields.get("title"):
        raise InvalidInput({"title": "Give the change a short title."})
    last = ChangeRequest.objects.filter(project=project).aggregate(m=Max("number"))["m"]
    change = ChangeRequest(project=project, number=(last or 0) + 1, requester=who, **fields)
    return records.create(
        who=who,
        instance=change,
        project=project,
        fields=(*FIELDS, "number"),
        summary=f"Raised change request CR-{change.number} '{change.title}'",
    )


def _current(change: ChangeRequest, version: int) -> ChangeRequest:
    fresh = ChangeRequest.objects.select_related("project").filter(pk=change.pk).first()
    if fresh is None or fresh.version != version:
        raise Conflict(current=fresh)
    return fresh


def _draft(change: ChangeRequest) -> None:
    if change.status != ChangeStatus.DRAFT:
        raise InvalidInput(
            {
                "status": f"{change.code} is {change.get_status_display().lower()}; "
                "only a draft can be changed."
            }
        )


def _may_edit_text(who: User, change: ChangeRequest) -> None:
    perms = project_perms(who, change.project)
    if Perm.EDIT in perms:
        return
    if Perm.CONTRIBUTE in perms and change.requester_id == who.pk:
        return
    require_perm(who=who, project=change.project, perm=Perm.EDIT)  # the chokepoint's 403


@transaction.atomic
def change_update(
    *, who: User, change: ChangeRequest, version: int, data: Mapping[str, Any]
) -> ChangeRequest:
    """Edit a draft's description, reason, title or category (its requester or the PM)."""
    _may_edit_text(who, change)
    current = _current(change, version)
    _draft(current)
    fields = _fields(data)
    if "title" in fields and not fields["title"]:
        raise InvalidInput({"title": "Give the change a short title."})
    return records.update(
        who=who,
        instance=current,
        version=version,
        changes=fields,
        project=current.project,
        summary=f"Edited change request {current.code}",
    )


def _set(
    who: User | None, change: ChangeRequest, version: int, changes: dict[str, Any], summary: str
) -> ChangeRequest:
    return versioned_update(
        who=who,
        instance=change,
        expected_version=version,
        changes=changes,
        project=change.project,
        summary=summary,
    )


NO_IMPACT = {
    "impact": None,
    "impact_fingerprint": "",
    "impact_at": None,
    "finish_delta_days": None,
    "cost_delta": None,
}


@transaction.atomic
def edit_add(
    *, who: User, change: ChangeRequest, version: int, data: Mapping[str, Any]
) -> ChangeRequest:
    """Add one plan edit to a draft (the project manager) and compute the impact of all of
    them; an edit the changed plan cannot be scheduled with (a cycle) is refused."""
    require_perm(who=who, project=change.project, perm=Perm.EDIT)
    current = _current(change, version)
    _draft(current)
    edit = plan_edits.check_edit(current.project, data, current.edits)
    edits = [*current.edits, edit]
    return _set(
        who,
        current,
        version,
        {"edits": edits, **_impact_fields(current.project, edits)},
        f"{current.code}: {plan_edits.OPS[edit['op']].lower()} — {edit.get('label', '')}",
    )


@transaction.atomic
def edit_remove(*, who: User, change: ChangeRequest, version: int, index: Any) -> ChangeRequest:
    """Take edit number ``index`` (from 1) out of a draft; the impact is recomputed."""
    require_perm(who=who, project=change.project, perm=Perm.EDIT)
    current = _current(change, version)
    _draft(current)
    try:
        position = int(index) - 1
        if not 0 <= position < len(current.edits):
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidInput({"index": "No such edit in this change."}) from None
    edits = list(current.edits)
    gone = edits.pop(position)
    return _set(
        who,
        current,
        version,
        {"edits": edits, **(_impact_fields(current.project, edits) if edits else NO_IMPACT)},
        f"{current.code}: removed the edit '{gone.get('label', gone['op'])}'",
    )


def _impact_fields(project: Project, edits: list[dict[str, Any]]) -> dict[str, Any]:
    # The fingerprint first: a plan write between the two reads then shows as stale at
    # apply time instead of blessing an impact computed on the older plan.
    fingerprint = plan_edits.fingerprint(project)
    impact = plan_edits.what_if(project, edits)
    return {
        "impact": impact,
        "impact_fingerprint": fingerprint,
        "impact_at": timezone.now(),
        "finish_delta_days": Decimal(impact["finish_delta_days"]),
        "cost_delta": Decimal(impact["cost_delta"]),
    }


def _sponsors(project: Project) -> list[User]:
    return [
        m.user
        for m in ProjectMembership.objects.filter(
            project=project, role=ProjectRole.SPONSOR
        ).select_related("user")
    ]


@transaction.atomic
def impact_compute(*, who: User, change: ChangeRequest, version: int) -> ChangeRequest:
    """Compute the impact against the plan as it stands (the project manager).

    On an approved request a fresh impact sends it back to the sponsor: what was approved
    was the old one.
    """
    require_perm(who=who, project=change.project, perm=Perm.EDIT)
    current = _current(change, version)
    if current.status not in (ChangeStatus.DRAFT, ChangeStatus.SUBMITTED, ChangeStatus.APPROVED):
        raise InvalidInput({"status": f"{current.code} is {current.get_status_display().lower()}."})
    if not current.edits:
        raise InvalidInput({"edits": "Add at least one plan edit first."})
    changes = _impact_fields(current.project, current.edits)
    again = current.status == ChangeStatus.APPROVED
    if again:
        changes |= {
            "status": ChangeStatus.SUBMITTED,
            "decided_by": None,
            "decided_at": None,
            "decision_comment": "",
        }
    fresh = _set(
        who,
        current,
        version,
        changes,
        f"{current.code}: computed its impact (finish {changes['finish_delta_days']:+} working "
        f"days, cost {changes['cost_delta']:+})" + (", back to the sponsor" if again else ""),
    )
    if again:
        _ask_sponsor(who, fresh)
    return fresh


def _ask_sponsor(who: User, change: ChangeRequest) -> None:
    project = change.project
    notify(
        _sponsors(project),
        kind=NotificationKind.CHANGE_TO_DECIDE,
        project=project,
        text=f"{project.code}: change request {change.code} '{change.title}' awaits your decision",
        url=change_url(change),
        actor=who,
    )


@transaction.atomic
def change_submit(*, who: User, change: ChangeRequest, version: int) -> ChangeRequest:
    """Send a draft to the sponsor with its impact computed now (the project manager)."""
    require_perm(who=who, project=change.project, perm=Perm.EDIT)
    current = _current(change, version)
    _draft(current)
    if not current.edits:
        raise InvalidInput({"edits": "Add at least one plan edit first."})
    changes = _impact_fields(current.project, current.edits)
    changes |= {"status": ChangeStatus.SUBMITTED, "submitted_at": timezone.now()}
    fresh = _set(who, current, version, changes, f"Submitted {current.code} to the sponsor")
    _ask_sponsor(who, fresh)
    return fresh


@transaction.atomic
def change_decide(
    *, who: User, change: ChangeRequest, version: int, outcome: Any, comment: Any
) -> ChangeRequest:
    """Approve or reject a submitted request: the sponsor only, with a comment."""
    require_perm(who=who, project=change.project, perm=Perm.DECIDE_GATE)
    current = _current(change, version)
    if current.requester_id == getattr(who, "pk", None):
        # Separation of duties, as at the gates: nobody approves their own request.
        raise Forbidden(f"{current.code} was raised by you; another sponsor decides it.")
    errors: dict[str, str] = {}
    if current.status != ChangeStatus.SUBMITTED:
        errors["status"] = (
            f"{current.code} is {current.get_status_display().lower()}; only a request "
            "awaiting decision can be approved or rejected."
        )
    if outcome not in ("approve", "reject"):
        errors["outcome"] = "Choose approve or reject."
    text = str(comment or "").strip()
    if not text:
        errors["comment"] = "Say why: the comment is part of the record."
    elif len(text) > COMMENT_MAX:
        errors["comment"] = f"At most {COMMENT_MAX} characters."
    if errors:
        raise InvalidInput(errors)
    status = ChangeStatus.APPROVED if outcome == "approve" else ChangeStatus.REJECTED
    fresh = _set(
        who,
        current,
        version,
        {
            "status": status,
            "decided_by": who,
            "decided_at": timezone.now(),
            "decision_comment": text,
        },
        f"{'Approved' if status == ChangeStatus.APPROVED else 'Rejected'} {current.code}: {text}",
    )
    project = current.project
    notify(
        [current.requester],
        kind=NotificationKind.CHANGE_DECIDED,
        project=project,
        text=f"{project.code}: change request {current.code} '{current.title}' was "
        f"{status.label.lower()} by {who.display_name}",
        url=change_url(fresh),
        actor=who,
    )
    return fresh


# ------------------------------------------------------------------ apply


def _link_data(edit: Mapping[str, Any]) -> dict[str, Any]:
    """A stored link edit as the dependency service's fields.

    Edits stored before links had a maximum hold no ``max_lag_minutes``: they leave the
    link's maximum as it is rather than clearing it."""
    data: dict[str, Any] = {"type": edit["type"], "lag_minutes": int(edit["lag_minutes"])}
    if "max_lag_minutes" in edit:
        data["max_lag_minutes"] = edit["max_lag_minutes"]
    return data


def _task(project: Project, ref: str) -> Task:
    return Task.objects.get(project=project, public_id=ref)


def _apply_plan_edit(who: User, project: Project, edit: Mapping[str, Any]) -> None:
    op = edit["op"]
    if op in ("duration", "task_cost"):
        task = _task(project, edit["task"])
        field = "duration_minutes" if op == "duration" else "fixed_cost"
        value = int(edit[field]) if op == "duration" else Decimal(edit[field])
        wbs.task_update(
            who=who, project=project, task=task, version=task.version, data={field: value}
        )
    elif op == "remove_task":
        task = _task(project, edit["task"])
        wbs.task_delete(who=who, project=project, task=task, version=task.version)
    elif op == "add_task":
        task = wbs.task_create(
            who=who,
            project=project,
            data={
                "name": edit["name"],
                "kind": edit["kind"],
                "duration_minutes": int(edit["duration_minutes"]),
                "fixed_cost": Decimal(edit["fixed_cost"]),
            },
            parent_id=edit.get("parent"),
        )
        for ref in edit["predecessors"]:
            dependencies.dependency_create(
                who=who,
                project=project,
                predecessor_id=ref,
                successor_id=str(task.public_id),
                data={},
            )
        for ref in edit["successors"]:
            dependencies.dependency_create(
                who=who,
                project=project,
                predecessor_id=str(task.public_id),
                successor_id=ref,
                data={},
            )
    elif op == "add_link":
        dependencies.dependency_create(
            who=who,
            project=project,
            predecessor_id=edit["predecessor"],
            successor_id=edit["successor"],
            data=_link_data(edit),
        )
    elif op == "change_link":
        link = Dependency.objects.get(
            predecessor=_task(project, edit["predecessor"]),
            successor=_task(project, edit["successor"]),
        )
        dependencies.dependency_update(
            who=who, project=project, dependency=link, version=link.version,
            data=_link_data(edit),
        )  # fmt: skip
    elif op == "remove_link":
        link = Dependency.objects.get(
            predecessor=_task(project, edit["predecessor"]),
            successor=_task(project, edit["successor"]),
        )
        dependencies.dependency_delete(
            who=who, project=project, dependency=link, version=link.version
        )


def _apply_cost_edits(who: User, project: Project, edits: list[Mapping[str, Any]]) -> None:
    """Budget-line edits through the cost plan's services; a set budget is reopened for
    them and set again, both journaled."""
    if not edits:
        return
    budget = ProjectBudget.objects.filter(project=project).first()
    was_set = budget is not None and budget.set_at is not None
    if was_set:
        assert budget is not None
        budget = cost_services.budget_reopen(who=who, project=project, version=budget.version)
    for edit in edits:
        if edit["op"] == "contingency":
            fresh = ProjectBudget.objects.filter(project=project).first()
            cost_services.budget_save(
                who=who, project=project, version=fresh.version if fresh else None,
                data={"contingency_percent": Decimal(edit["percent"])},
            )  # fmt: skip
        elif edit["op"] == "line_amount":
            line = BudgetLine.objects.get(project=project, public_id=edit["line"])
            cost_services.line_update(
                who=who,
                line=line,
                version=line.version,
                changes={"amount": Decimal(edit["amount"])},
            )
        else:
            cost_services.line_create(
                who=who,
                project=project,
                data={"name": edit["name"], "category": edit["category"], "amount": edit["amount"]},
            )
    if was_set:
        assert budget is not None
        cost_services.budget_set(who=who, project=project, version=budget.version)


class StaleImpact(Conflict):
    """The plan moved since the impact was computed; ``current`` is the fresh impact."""


@transaction.atomic
def change_apply(*, who: User, change: ChangeRequest, version: int) -> ChangeRequest:
    """Apply an approved request to the plan and capture a baseline naming it.

    Refused with 409 and the freshly computed impact when the plan moved since the impact
    was computed; nothing is written then.
    """
    project = change.project
    require_perm(who=who, project=project, perm=Perm.EDIT)
    plan_lock(project)
    current = _current(change, version)
    if current.status != ChangeStatus.APPROVED:
        raise InvalidInput(
            {
                "status": f"{current.code} is {current.get_status_display().lower()}; only an "
                "approved request can be applied."
            }
        )
    if plan_edits.fingerprint(project) != current.impact_fingerprint:
        fresh = plan_edits.what_if(project, current.edits)
        raise StaleImpact(
            current={"impact": fresh, "impact_before": current.impact},
            message=f"The plan changed since the impact of {current.code} was computed. Here is "
            "the impact now: recompute it, and the sponsor decides again.",
        )
    cost_ops = ("line_amount", "add_line", "contingency")
    for edit in current.edits:
        if edit["op"] not in cost_ops:
            _apply_plan_edit(who, project, edit)
    _apply_cost_edits(who, project, [e for e in current.edits if e["op"] in cost_ops])
    baseline = baselines.baseline_capture(
        who=who,
        project=project,
        name=f"{current.code} {current.title}"[: baselines.NAME_MAX],
        note=f"Re-baselined after applying change request {current.code} "
        f"('{current.title}'), approved by "
        f"{current.decided_by.display_name if current.decided_by else 'the sponsor'}.",
    )
    return _set(
        who,
        current,
        version,
        {
            "status": ChangeStatus.APPLIED,
            "applied_by": who,
            "applied_at": timezone.now(),
            "baseline": baseline,
        },
        f"Applied {current.code} to the plan; captured baseline {baseline.number} "
        f"'{baseline.name}'",
    )
