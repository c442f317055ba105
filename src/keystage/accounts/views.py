"""Sign-in with throttling, and the page for personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from knox.models import AuthToken

from keystage.accounts import calendar_tokens, services
from keystage.accounts.actor import actor
from keystage.accounts.throttle import (
    TooManyAttempts,
    attempt_abandoned,
    attempt_begin,
    attempt_failed,
    attempt_succeeded,
    client_address,
)
from keystage.core.errors import DomainError


class LoginView(auth_views.LoginView):
    """Django's sign-in, with failures counted per username and address."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        """Ask the throttle before the password is hashed; count the outcome."""
        username = request.POST.get("username", "")
        try:
            attempt = attempt_begin(username, client_address(request))
        except TooManyAttempts as exc:
            # An unbound form: binding it would validate it, and validation hashes.
            form = self.get_form_class()(request, initial={"username": username})
            context = self.get_context_data(form=form, throttled=exc.message)
            return self.render_to_response(context, status=429)
        try:
            response = super().post(request, *args, **kwargs)
        except BaseException:
            attempt_abandoned(attempt)
            raise
        if request.user.is_authenticated:
            attempt_succeeded(attempt)
        else:
            attempt_failed(attempt)
            response.status_code = 400
        return response


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """List, create (after re-entering the password) and revoke personal API tokens."""
    new_token = None
    if request.method == "POST":
        try:
            days = int(request.POST.get("expires_in_days", "30"))
        except ValueError:
            days = 30
        try:
            _, new_token = services.token_create(
                username=request.user.get_username(),
                password=request.POST.get("password", ""),
                address=client_address(request),
                expires_in_days=max(1, min(days, 365)),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    tokens = AuthToken.objects.filter(user=request.user, expiry__gt=timezone.now()).order_by(
        "-created"
    )
    return _tokens_page(request, tokens=tokens, new_token=new_token)


def _tokens_page(request: HttpRequest, **context: object) -> HttpResponse:
    """The account page: API tokens and the calendar feed link."""
    if "tokens" not in context:
        context["tokens"] = AuthToken.objects.filter(
            user=request.user, expiry__gt=timezone.now()
        ).order_by("-created")
    context["calendar_token"] = calendar_tokens.calendar_token_of(request.user)
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def calendar_token_create(request: HttpRequest) -> HttpResponse:
    """Create or rotate my calendar feed link; its address is shown once."""
    token = calendar_tokens.calendar_token_create(who=actor(request))
    # The feed lives in keystage.execution; its address is found by name, not by import.
    url = request.build_absolute_uri(reverse("execution:calendar-feed", args=[token]))
    return _tokens_page(request, calendar_url=url)


@login_required
@require_POST
def calendar_token_revoke(request: HttpRequest) -> HttpResponse:
    """Revoke my calendar feed link."""
    try:
        calendar_tokens.calendar_token_revoke(who=actor(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Calendar feed link revoked: calendars using it stop updating.")
    return redirect("accounts:tokens")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_key: str) -> HttpResponse:
    """Revoke one of my tokens."""
    try:
        services.token_revoke(who=actor(request), token_key=token_key)
    except DomainError:
        messages.error(request, "No such token.")
    else:
        messages.success(request, "Token revoked.")
    return redirect("accounts:tokens")
