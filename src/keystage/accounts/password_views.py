"""Pages to change a password and to reset a forgotten one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse_lazy

from keystage.accounts import passwords
from keystage.accounts.actor import actor
from keystage.accounts.throttle import TooManyAttempts, client_address
from keystage.core.errors import InvalidInput


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link: the same page, status and work for every address."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        """Hand the address to the service, which queues the mail (or not) out of band."""
        try:
            passwords.password_reset_request(
                email=form.cleaned_data["email"], address=client_address(self.request)
            )
        except TooManyAttempts as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        return redirect(self.success_url)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from a reset link; ends the account's tokens and sessions."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        """Set the password through the service (which revokes access)."""
        try:
            passwords.password_reset_complete(
                user=form.user, password=form.cleaned_data["new_password1"]
            )
        except InvalidInput as exc:
            form.add_error("new_password2", exc.errors.get("new_password1", [exc.message]))
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change my password: my other sessions and all my API tokens end, this one stays."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:tokens")

    def form_valid(self, form: Any) -> HttpResponse:
        """Change it through the service; keep this session signed in."""
        who = actor(self.request)
        try:
            revoked = passwords.password_change(
                who=who,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, who)
        from django.contrib import messages

        messages.success(
            self.request,
            f"Password changed. Your other sessions ended and {revoked} API token(s) were revoked.",
        )
        return redirect(self.success_url)
