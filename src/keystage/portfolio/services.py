"""Writes to projects, memberships and stage gates. Every change is journaled."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from keystage.accounts.invitations import user_invite
from keystage.accounts.models import User
from keystage.accounts.roles import Perm, ProjectRole
from keystage.core import records
from keystage.core.audit import audit_record, audit_records, diff_fields, jsonable
from keystage.core.errors import Conflict, Forbidden, InvalidInput
from keystage.core.models import AuditAction
from keystage.core.versioning import bump_version, compare_and_set, versioned_update
from keystage.portfolio.access import (
    can_create_projects,
    project_role,
    require_open,
    require_perm,
    users_visible_to,
)
from keystage.portfolio.duties import (
    require_leads_apart,
    require_member_removal,
    require_role_change,
    require_role_grant,
)
from keystage.portfolio.gate_checks import gate_missing
from keystage.portfolio.lifecycle import (
    GateOutcome,
    ProjectStatus,
    Stage,
    gate_result,
    next_stage,
)
from keystage.portfolio.models import GateDecision, Project, ProjectMembership
from keystage.portfolio.project_events import project_start_moved

PROJECT_EDITABLE_FIELDS = ("name", "code", "kind", "description", "start_date", "target_date")


def _clean(instance: Any, exclude: list[str] | None = None) -> None:
    """Model validation as field errors (lengths, choices, formats, constraints)."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        errors = exc.message_dict
        for message in errors.pop("__all__", []):
            field, text = _GENERAL_ERRORS.get(
                next((k for k in _GENERAL_ERRORS if k in message.lower()), ""),
                ("non_field_errors", message),
            )
            errors.setdefault(field, []).append(text)
        raise InvalidInput(errors) from None


# Whole-record rules reported by full_clean, mapped onto the field a user fixes.
_GENERAL_ERRORS = {
    "organisation and code": ("code", "Another project already uses this code."),
    "target": ("target_date", "The target date must not be before the start date."),
    "project and user": ("user", "This person is already a member of this project."),
    "membership_one_project_manager": ("role", "This project already has a project manager."),
}


def _check_dates(start: dt.date | None, target: dt.date | None) -> None:
    if start and target and target < start:
        raise InvalidInput({"target_date": "The target date must not be before the start date."})


def _org_user(who: Any, user: User | None, field: str) -> User | None:
    if user is None:
        return None
    if not users_visible_to(who).filter(pk=user.pk).exists():
        raise InvalidInput({field: "No such user in your organisation."})
    return user


CREATE_REFUSED = (
    "Only administrators, portfolio owners and (when the organisation allows it) "
    "project managers open new projects."
)


@transaction.atomic
def project_create(
    *,
    who: User,
    name: str,
    code: str,
    kind: str,
    start_date: dt.date,
    target_date: dt.date,
    description: str = "",
    project_manager: User | None = None,
    sponsor: User | None = None,
) -> Project:
    """Open a project in Initiation, with its project manager and sponsor if given.

    A project manager who is not a portfolio owner opens it as its project manager
    (``portfolio.access.can_create_projects``): naming someone else is refused.
    """
    if not can_create_projects(who):
        raise Forbidden(CREATE_REFUSED)
    if who.organisation_id is None:
        raise InvalidInput({"organisation": "Your account belongs to no organisation."})
    if not who.is_portfolio_owner:
        if project_manager is not None and project_manager.pk != who.pk:
            raise InvalidInput(
                {"project_manager": "You open projects as their project manager: choose yourself."}
            )
        project_manager = who
    _check_dates(start_date, target_date)
    _org_user(who, project_manager, "project_manager")
    _org_user(who, sponsor, "sponsor")
    require_leads_apart(who=who, project_manager=project_manager, sponsor=sponsor)
    project = Project(
        organisation_id=who.organisation_id,
        name=(name or "").strip(),
        code=(code or "").strip().upper(),
        kind=kind,
        description=description or "",
        start_date=start_date,
        target_date=target_date,
        created_by=who,
    )
    _clean(project, exclude=["created_by"])
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:
        raise InvalidInput({"code": "Another project already uses this code."}) from None
    audit_record(
        who=who,
        obj=project,
        action=AuditAction.CREATE,
        project=project,
        changes={f: [None, jsonable(getattr(project, f))] for f in PROJECT_EDITABLE_FIELDS},
        summary=f"Opened project {project.code} in Initiation",
    )
    for user, role in (
        (project_manager, ProjectRole.PROJECT_MANAGER),
        (sponsor, ProjectRole.SPONSOR),
    ):
        if user is not None:
            _membership_insert(who=who, project=project, user=user, role=role)
    return project


@transaction.atomic
def project_update(
    *, who: User, project: Project, version: int, changes: dict[str, Any]
) -> Project:
    """Edit a project's details if ``version`` is still current (409 otherwise)."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    unknown = set(changes) - set(PROJECT_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput({f: "This field cannot be changed here." for f in sorted(unknown)})
    if changes.get("code"):
        changes["code"] = str(changes["code"]).strip().upper()
    if "name" in changes and changes["name"] is not None:
        changes["name"] = str(changes["name"]).strip()
    candidate = records.with_changes(project, changes)
    _check_dates(candidate.start_date, candidate.target_date)
    _clean(candidate, exclude=["created_by"])
    start_before = project.start_date
    try:
        with transaction.atomic():
            updated = versioned_update(
                who=who,
                instance=project,
                expected_version=version,
                changes=changes,
                project=project,
                summary="Edited project details",
            )
    except IntegrityError:
        raise InvalidInput({"code": "Another project already uses this code."}) from None
    if updated.start_date != start_before:
        project_start_moved(updated)  # the plan reschedules from the new start
    return updated


def _membership_insert(
    *, who: User | None, project: Project, user: User, role: str
) -> ProjectMembership:
    membership = ProjectMembership(project=project, user=user, role=role)
    _clean(membership, exclude=["project", "user"])
    if ProjectMembership.objects.filter(project=project, user=user).exists():
        raise InvalidInput({"user": f"{user.display_name} is already a member of this project."})
    if (
        role == ProjectRole.PROJECT_MANAGER
        and ProjectMembership.objects.filter(project=project, role=role).exists()
    ):
        raise InvalidInput(
            {"role": "This project already has a project manager; reassign the role instead."}
        )
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise InvalidInput(
            {"user": "This person or role is already taken in the project."}
        ) from None
    audit_record(
        who=who,
        obj=membership,
        action=AuditAction.CREATE,
        project=project,
        changes={"user": [None, user.username], "role": [None, role]},
        summary=f"Added {user.display_name} as {ProjectRole(role).label}",
    )
    return membership


@transaction.atomic
def member_add(*, who: User, project: Project, user: User | None, role: str) -> ProjectMembership:
    """Invite a person of the organisation into the project with a role.

    The sponsor role only from an administrator or portfolio owner, never to themselves
    (``duties``); every other role from whoever manages the members.
    """
    require_role_grant(who=who, project=project, user=user, role=role, field="role")
    if user is None:
        raise InvalidInput({"user": "Choose a person to invite."})
    _org_user(who, user, "user")
    if user.organisation_id != project.organisation_id:
        raise InvalidInput({"user": "No such user in your organisation."})
    return _membership_insert(who=who, project=project, user=user, role=role)


@transaction.atomic
def member_add_by_operator(*, project: Project, user: User) -> ProjectMembership:
    """The command line's operator (no signed-in user) adds an active person of the
    project's organisation as a team member — a plan import naming them; closed projects
    refuse. Signed-in users go through :func:`member_add`."""
    require_open(project)
    if not user.is_active or user.organisation_id != project.organisation_id:
        raise InvalidInput({"user": "No such user in the project's organisation."})
    return _membership_insert(who=None, project=project, user=user, role=ProjectRole.TEAM_MEMBER)


@transaction.atomic
def team_members_add(
    *, who: User | None, project: Project, users: list[User]
) -> list[ProjectMembership]:
    """Add several people of the project's organisation as team members at once (a plan
    import naming them), with the checks of :func:`member_add` (``who`` None: the command
    line's operator, as :func:`member_add_by_operator`) in a fixed number of queries.
    Each membership is journaled; anyone who may not join refuses the whole batch."""
    if not users:
        return []
    role = ProjectRole.TEAM_MEMBER
    if who is None:
        require_open(project)
    else:
        require_role_grant(who=who, project=project, user=None, role=role, field="user")
    pks = [user.pk for user in users]
    visible = set(
        (users_visible_to(who) if who is not None else User.objects.filter(is_active=True))
        .filter(pk__in=pks, organisation_id=project.organisation_id)
        .values_list("pk", flat=True)
    )
    if any(pk not in visible for pk in pks):
        raise InvalidInput({"user": "No such user in the project's organisation."})
    already = ProjectMembership.objects.filter(project=project, user__in=pks)
    taken = already.select_related("user").first()
    if taken is not None:
        raise InvalidInput(
            {"user": f"{taken.user.display_name} is already a member of this project."}
        )
    try:
        with transaction.atomic():
            made = ProjectMembership.objects.bulk_create(
                [ProjectMembership(project=project, user=user, role=role) for user in users]
            )
    except IntegrityError:
        raise InvalidInput(
            {"user": "This person or role is already taken in the project."}
        ) from None
    audit_records(
        who=who,
        action=AuditAction.CREATE,
        project=project,
        entries=[
            (
                membership,
                {"user": [None, membership.user.username], "role": [None, role]},
                f"Added {membership.user.display_name} as {ProjectRole(role).label}",
            )
            for membership in made
        ],
    )
    return made


@transaction.atomic
def member_invite(
    *, who: User, project: Project, email: str, role: str, full_name: str = ""
) -> ProjectMembership:
    """Invite by e-mail: an existing colleague joins; a new person gets an account and a link.

    Who may grant ``role`` is checked before any account is created.
    """
    if role not in ProjectRole.values:
        raise InvalidInput({"role": f"Choose one of: {', '.join(ProjectRole.values)}."})
    require_role_grant(who=who, project=project, user=None, role=role, field="role")
    user = user_invite(
        organisation=project.organisation,
        email=email,
        full_name=full_name,
        invited_by=who,
        context=f"the project {project.code} {project.name} as {ProjectRole(role).label}",
    )
    require_role_grant(who=who, project=project, user=user, role=role, field="role")
    return _membership_insert(who=who, project=project, user=user, role=role)


@transaction.atomic
def member_change_role(
    *, who: User, membership: ProjectMembership, version: int, role: str
) -> ProjectMembership:
    """Give a member another role (one project manager per project; sponsor per ``duties``)."""
    project = membership.project
    if role not in ProjectRole.values:
        raise InvalidInput(
            {"role": f"'{role}' is not a role. Choose one of: {', '.join(ProjectRole.values)}."}
        )
    require_role_change(who=who, membership=membership, role=role)
    if (
        role == ProjectRole.PROJECT_MANAGER
        and ProjectMembership.objects.filter(project=project, role=role)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise InvalidInput(
            {"role": "This project already has a project manager; change that member first."}
        )
    return versioned_update(
        who=who,
        instance=membership,
        expected_version=version,
        changes={"role": role},
        project=project,
        summary=f"Changed the role of {membership.user.display_name}",
    )


@transaction.atomic
def member_remove(*, who: User, membership: ProjectMembership, version: int) -> None:
    """Remove a member from the project (the journal keeps the record); a sponsor only by
    an administrator or portfolio owner."""
    project = membership.project
    require_member_removal(who=who, membership=membership)
    bump_version(membership, version)
    audit_record(
        who=who,
        obj=membership,
        action=AuditAction.DELETE,
        project=project,
        changes={"user": [membership.user.username, None], "role": [membership.role, None]},
        summary=f"Removed {membership.user.display_name} ({membership.get_role_display()})",
    )
    membership.delete()


@transaction.atomic
def gate_decide(
    *,
    who: User,
    project: Project,
    version: int,
    to_stage: str,
    outcome: str,
    rationale: str,
    conditions: str = "",
    override_reason: str = "",
) -> GateDecision:
    """Record a gate decision and move the project accordingly.

    Only the sponsor (or an administrator with no role in the project) decides.
    ``to_stage`` must be the stage after the current one: gates cannot be skipped.
    A 'go' needs every item of the gate's checklist (see ``gate_checks``) unless the
    sponsor — only the sponsor — gives an ``override_reason``, which the portfolio
    then shows against the project.
    """
    require_perm(who=who, project=project, perm=Perm.DECIDE_GATE)
    current = Project.objects.get(pk=project.pk)
    if current.version != version:
        raise Conflict(current=current)  # judged against a stage the caller has not seen
    errors: dict[str, list[str] | str] = {}
    target = next_stage(current.stage)
    if current.stage == Stage.CLOSED:
        errors["to_stage"] = "The project is closed; no gate remains."
    elif to_stage not in Stage.values:
        errors["to_stage"] = f"'{to_stage}' is not a stage."
    elif to_stage != target:
        errors["to_stage"] = (
            f"From {Stage(current.stage).label} the next gate leads to {Stage(target).label}; "
            f"{Stage(to_stage).label} cannot be reached without it."
            if target
            else "No gate remains."
        )
    if outcome not in GateOutcome.values:
        errors["outcome"] = f"Choose one of: {', '.join(GateOutcome.values)}."
    if not (rationale or "").strip():
        errors["rationale"] = "Say why: the rationale is part of the record."
    override = (override_reason or "").strip()
    if override and project_role(who, project) != ProjectRole.SPONSOR:
        errors["override_reason"] = (
            "Only the project's sponsor may pass a gate over missing checklist items; "
            "leave this empty, or ask the sponsor to decide."
        )
    if not errors and outcome == GateOutcome.GO and not override:
        missing = gate_missing(current)
        if missing:
            errors["outcome"] = (
                "Not ready for a go — missing: "
                + "; ".join(item.label for item in missing)
                + ". Complete these, or give an override reason."
            )
    if errors:
        raise InvalidInput(errors)
    stage_after, status_after = gate_result(current.stage, outcome)
    decision = GateDecision(
        project=project,
        from_stage=current.stage,
        to_stage=to_stage,
        outcome=outcome,
        resulting_stage=stage_after,
        resulting_status=status_after,
        rationale=rationale.strip(),
        conditions=(conditions or "").strip(),
        override_reason=override,
        decided_by=who,
    )
    _clean(decision, exclude=["project", "decided_by"])
    compare_and_set(current, version, {"stage": stage_after, "status": status_after})
    decision.save()
    changes = diff_fields(
        {"stage": current.stage, "status": current.status},
        {"stage": stage_after, "status": status_after},
    )
    changes["outcome"] = [None, outcome]
    if override:
        changes["override_reason"] = [None, override]
    audit_record(
        who=who,
        obj=decision,
        action=AuditAction.GATE,
        project=project,
        changes=changes,
        summary=f"Gate {Stage(current.stage).label} → {Stage(to_stage).label}: "
        f"{GateOutcome(outcome).label}",
    )
    return decision


def project_is_open(project: Project) -> bool:
    """Whether the project still takes gate decisions."""
    return project.stage != Stage.CLOSED and project.status != ProjectStatus.CANCELLED
