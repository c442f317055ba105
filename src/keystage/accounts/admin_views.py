"""The organisation admin's page of users: deactivate, reactivate, change role, revoke access."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts import offboarding
from keystage.accounts.actor import actor
from keystage.accounts.roles import OrgRole
from keystage.core.errors import DomainError, NotFound
from keystage.core.versioning import parse_version
from keystage.core.web import page_error

ACTIONS = {"deactivate", "activate", "role", "revoke"}


def _page(request: HttpRequest, status: int = 200) -> HttpResponse:
    users = offboarding.managed_users(who=actor(request))
    return render(
        request,
        "accounts/user_admin.html",
        {"people": users, "roles": OrgRole.choices},
        status=status,
    )


@login_required
@require_GET
def user_admin(request: HttpRequest) -> HttpResponse:
    """The organisation's users with role, state, last sign-in and live tokens."""
    try:
        return _page(request)
    except DomainError as exc:
        return page_error(request, exc)


@login_required
@require_POST
def user_admin_update(request: HttpRequest, user_id: str) -> HttpResponse:
    """Apply one action to one user (each action is one service call)."""
    who = actor(request)
    action = request.POST.get("action", "")
    try:
        user = offboarding.managed_user_get(who=who, user_id=user_id)
        if action not in ACTIONS:
            messages.error(request, f"Choose one of: {', '.join(sorted(ACTIONS))}.")
            return _page(request, status=400)
        if action == "revoke":
            count = offboarding.managed_user_revoke_access(who=who, user=user)
            if user.pk == who.pk:  # an admin revoking their own access keeps this session
                who.refresh_from_db()
                update_session_auth_hash(request, who)
            messages.success(request, f"{user.username}: {count} token(s) revoked, sessions ended.")
            return redirect("accounts:user-admin")
        version = parse_version(request.POST.get("version"))
        if action == "role":
            offboarding.managed_user_update(
                who=who, user=user, version=version, org_role=request.POST.get("org_role", "")
            )
        else:
            offboarding.managed_user_update(
                who=who, user=user, version=version, is_active=action == "activate"
            )
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        if exc.status_code in (400, 409, 428):
            messages.error(request, exc.message)
            try:
                return _page(request, status=exc.status_code)
            except DomainError:
                pass
        return page_error(request, exc)
    done = {"role": "organisation role changed", "activate": "reactivated"}
    messages.success(request, f"{user.username}: {done.get(action, 'deactivated')}.")
    return redirect("accounts:user-admin")
