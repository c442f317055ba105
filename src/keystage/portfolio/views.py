"""Pages for the portfolio, a project's overview, members, gates and history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm, ProjectRole
from keystage.core.errors import Conflict, DomainError, Forbidden, InvalidInput
from keystage.core.web import add_errors, page_error
from keystage.portfolio import reopen, selectors, services
from keystage.portfolio.access import (
    can_create_projects,
    is_closed,
    project_perms,
    project_role,
    users_visible_to,
)
from keystage.portfolio.duties import (
    MANAGE_ROLES,
    may_remove,
    require_manage_roles,
    role_options,
)
from keystage.portfolio.forms import (
    GateForm,
    MemberAddForm,
    MemberInviteForm,
    MemberRoleForm,
    ProjectCreateForm,
    ProjectEditForm,
    ReopenForm,
    VersionForm,
)
from keystage.portfolio.gate_checks import gate_checklist
from keystage.portfolio.lifecycle import (
    GATE_DESCRIPTIONS,
    STAGE_ORDER,
    ProjectKind,
    ProjectStatus,
    Stage,
    next_stage,
)
from keystage.portfolio.models import Project


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    """The portfolio table with filters."""
    params = request.GET
    projects = selectors.project_list(
        who=actor(request),
        search=params.get("q", "")[:100],
        stage=params.get("stage", ""),
        kind=params.get("kind", ""),
        status=params.get("status", ""),
    )
    rows = [(p, selectors.project_leads(p), selectors.last_gate_override(p)) for p in projects]
    context = {
        "rows": rows,
        "stages": Stage.choices,
        "kinds": ProjectKind.choices,
        "statuses": ProjectStatus.choices,
        "filters": params,
        "can_create": can_create_projects(request.user),
    }
    template = "portfolio/_project_rows.html" if request.htmx else "portfolio/project_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    """Open a project."""
    if not can_create_projects(request.user):
        return page_error(request, Forbidden(services.CREATE_REFUSED))
    who = actor(request)
    people = users_visible_to(request.user).order_by("last_name", "username")
    # A project manager (not PMO) opens a project as its manager: the menu offers only them.
    managers = people if who.is_portfolio_owner else people.filter(pk=who.pk)
    # Nobody names themselves sponsor (separation of duties, ``duties``).
    form = ProjectCreateForm(
        request.POST or None,
        people=people,
        # Only an administrator or portfolio owner grants the sponsor role (``duties``).
        sponsors=people.exclude(pk=who.pk) if who.is_portfolio_owner else people.none(),
        managers=managers,
        initial={} if who.is_portfolio_owner else {"project_manager": who.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(who=actor(request), **form.cleaned_data)
        except DomainError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Project {project.code} opened in Initiation.")
            return redirect("portfolio:project-detail", project_id=project.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "portfolio/project_form.html",
        {"form": form, "creating": True, "names_sponsor": who.is_portfolio_owner},
        status=status,
    )


def _overview_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    perms = project_perms(request.user, project)
    gates = list(selectors.gate_list(who=actor(request), project=project))
    entered: dict[str, Any] = {Stage.INITIATION: project.created_at}
    for gate in gates:
        if gate.resulting_stage != gate.from_stage:
            entered[gate.resulting_stage] = gate.decided_at
    current_index = STAGE_ORDER.index(project.stage)
    timeline = [
        {
            "value": stage,
            "label": Stage(stage).label,
            "state": "done" if i < current_index else ("current" if i == current_index else "todo"),
            # A reopened project has been in later stages; the timeline dates only the
            # stages up to the current one.
            "entered": entered.get(stage) if i <= current_index else None,
        }
        for i, stage in enumerate(STAGE_ORDER)
    ]
    target = next_stage(project.stage)
    checklist = gate_checklist(project) if project.status != ProjectStatus.CANCELLED else []
    gate_form = None
    if target and project.status != ProjectStatus.CANCELLED and Perm.DECIDE_GATE in perms:
        gate_form = GateForm(initial={"to_stage": target, "version": project.version})
    return {
        "project": project,
        "leads": selectors.project_leads(project),
        "members": selectors.member_list(who=actor(request), project=project),
        "gates": gates,
        "timeline": timeline,
        "next_stage": Stage(target).label if target else None,
        "next_stage_value": target,
        "gate_description": GATE_DESCRIPTIONS.get(target or "", ""),
        "gate_form": gate_form,
        "checklist": checklist,
        "missing_count": sum(1 for item in checklist if not item.done),
        "can_override": project_role(request.user, project) == ProjectRole.SPONSOR,
        "last_override": selectors.last_gate_override(project),
        "perms": perms,
        "Perm": Perm,
        "closed": is_closed(project),
        "reopen_form": ReopenForm(initial={"version": project.version})
        if Perm.REOPEN in perms
        else None,
        "reopen_stage": Stage(reopen.reopen_stage(project)).label if is_closed(project) else None,
    }


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: str) -> HttpResponse:
    """A project's overview: details, stage timeline, gates, members."""
    try:
        project = selectors.project_get(who=actor(request), project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    return render(request, "portfolio/project_detail.html", _overview_context(request, project))


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: str) -> HttpResponse:
    """Edit a project's details; a stale version shows the conflict, never overwrites."""
    try:
        project = selectors.project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    initial = {f: getattr(project, f) for f in services.PROJECT_EDITABLE_FIELDS}
    initial["version"] = project.version
    form = ProjectEditForm(request.POST or None, initial=initial)
    context: dict[str, Any] = {"form": form, "project": project, "creating": False}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            changes = {f: form.cleaned_data[f] for f in services.PROJECT_EDITABLE_FIELDS}
            try:
                services.project_update(
                    who=actor(request),
                    project=project,
                    version=form.cleaned_data["version"],
                    changes=changes,
                )
            except Conflict as exc:
                context.update(conflict=exc.message, current=exc.current)
                status = 409
            except DomainError as exc:
                add_errors(form, exc)
                status = 400
            else:
                messages.success(request, "Project details saved.")
                return redirect("portfolio:project-detail", project_id=project.public_id)
        else:
            status = 400
    return render(request, "portfolio/project_form.html", context, status=status)


@login_required
@require_POST
def gate_decide(request: HttpRequest, project_id: str) -> HttpResponse:
    """Record a gate decision from the overview page."""
    try:
        project = selectors.project_get(
            who=actor(request), project_id=project_id, perm=Perm.DECIDE_GATE
        )
    except DomainError as exc:
        return page_error(request, exc)
    form = GateForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            decision = services.gate_decide(
                who=actor(request), project=project, **form.cleaned_data
            )
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("portfolio:project-detail", project_id=project.public_id)
        except DomainError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Gate recorded: {decision}.")
            return redirect("portfolio:project-detail", project_id=project.public_id)
    context = _overview_context(request, project)
    context["gate_form"] = form
    return render(request, "portfolio/project_detail.html", context, status=status)


@login_required
@require_POST
def project_reopen(request: HttpRequest, project_id: str) -> HttpResponse:
    """Reopen a closed or cancelled project with a reason (organisation administrators)."""
    who = actor(request)
    try:
        project = selectors.project_get(who=who, project_id=project_id)
        reopen.require_reopen(who, project)
    except DomainError as exc:
        return page_error(request, exc)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            done = reopen.project_reopen(who=who, project=project, **form.cleaned_data)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("portfolio:project-detail", project_id=project.public_id)
        except DomainError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"{done.code} is reopened in {done.get_stage_display()}; members told."
            )
            return redirect("portfolio:project-detail", project_id=project.public_id)
    context = _overview_context(request, project)
    context["reopen_form"] = form
    return render(request, "portfolio/project_detail.html", context, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def member_list(request: HttpRequest, project_id: str) -> HttpResponse:
    """Members of a project; invite with a role."""
    # Viewing needs membership; inviting needs the right to manage members (or the sponsor).
    try:
        project = selectors.project_get(who=actor(request), project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    perms = project_perms(request.user, project)
    if request.method == "POST":
        try:
            require_manage_roles(request.user, project, "inviting members")
        except Forbidden as exc:
            return page_error(request, exc)
    inviting = request.POST.get("mode") == "email"
    form, invite_form = _member_forms(request, project, perms, bound=request.method == "POST")
    status = 200
    if request.method == "POST":
        used: MemberAddForm | MemberInviteForm = invite_form if inviting else form
        if used.is_valid():
            data = {k: v for k, v in used.cleaned_data.items() if k != "mode"}
            try:
                if inviting:
                    membership = services.member_invite(who=actor(request), project=project, **data)
                else:
                    membership = services.member_add(who=actor(request), project=project, **data)
            except DomainError as exc:
                add_errors(used, exc)
                status = exc.status_code if isinstance(exc, Forbidden) else 400
            else:
                messages.success(
                    request,
                    f"{membership.user.display_name} joined as {membership.get_role_display()}.",
                )
                return redirect("portfolio:member-list", project_id=project.public_id)
        else:
            status = 400
    return _members_page(request, project, perms, form, invite_form, status)


def _member_forms(
    request: HttpRequest, project: Project, perms: frozenset[str], *, bound: bool
) -> tuple[MemberAddForm, MemberInviteForm]:
    """The add and invite forms, offering only the roles the user may grant."""
    roles = role_options(request.user, project, perms=perms)
    people = (
        users_visible_to(request.user)
        .exclude(memberships__project=project)
        .order_by("last_name", "username")
    )
    inviting = bound and request.POST.get("mode") == "email"
    form = MemberAddForm(
        request.POST if bound and not inviting else None, people=people, roles=roles
    )
    invite_form = MemberInviteForm(
        request.POST if inviting else None, auto_id="invite_%s", roles=roles
    )
    return form, invite_form


def _members_page(
    request: HttpRequest,
    project: Project,
    perms: frozenset[str],
    form: MemberAddForm,
    invite_form: MemberInviteForm,
    status: int,
) -> HttpResponse:
    members = selectors.member_list(who=actor(request), project=project)
    context = {
        "project": project,
        "rows": [
            (
                m,
                role_options(request.user, project, m, perms=perms),
                may_remove(request.user, m, perms=perms),
            )
            for m in members
        ],
        "form": form,
        "invite_form": invite_form,
        "can_manage": bool(MANAGE_ROLES & perms),
    }
    return render(request, "portfolio/member_list.html", context, status=status)


@login_required
@require_POST
def member_update(request: HttpRequest, project_id: str, member_id: str) -> HttpResponse:
    """Change a member's role or remove the member (``action`` = role | remove).

    A refused change shows the members page again with the reason and a 4xx status.
    """
    try:
        project = selectors.project_get(who=actor(request), project_id=project_id)
        require_manage_roles(request.user, project, "changing members")
        membership = selectors.member_get(
            who=actor(request), project=project, membership_id=member_id
        )
    except DomainError as exc:
        return page_error(request, exc)
    removing = request.POST.get("action") == "remove"
    form: VersionForm | MemberRoleForm = (
        VersionForm(request.POST) if removing else MemberRoleForm(request.POST)
    )
    if not form.is_valid():
        messages.error(request, "That change was not understood; reload the page and try again.")
        return redirect("portfolio:member-list", project_id=project.public_id)
    try:
        if removing:
            services.member_remove(
                who=actor(request), membership=membership, version=form.cleaned_data["version"]
            )
            messages.success(request, f"{membership.user.display_name} was removed.")
        else:
            services.member_change_role(
                who=actor(request),
                membership=membership,
                version=form.cleaned_data["version"],
                role=form.cleaned_data["role"],
            )
            messages.success(request, f"{membership.user.display_name}'s role was changed.")
    except DomainError as exc:
        messages.error(request, f"{membership.user.display_name}: {_error_text(exc)}")
        perms = project_perms(request.user, project)
        forms_ = _member_forms(request, project, perms, bound=False)
        return _members_page(request, project, perms, *forms_, status=exc.status_code)
    return redirect("portfolio:member-list", project_id=project.public_id)


def _error_text(exc: DomainError) -> str:
    if isinstance(exc, InvalidInput):
        return " ".join(m for messages_ in exc.errors.values() for m in messages_)
    return exc.message
