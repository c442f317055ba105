"""The organisation page: its administrators set the currency and who opens projects."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from keystage.accounts import organisation as settings_service
from keystage.accounts.actor import actor
from keystage.core.errors import Conflict, DomainError, Forbidden
from keystage.core.web import add_errors, page_error


class OrganisationSettingsForm(forms.Form):
    """The organisation's settings with the version they were read at."""

    currency = forms.CharField(
        max_length=3,
        min_length=3,
        help_text="ISO 4217 code, e.g. EUR, USD, GBP, CHF. Every amount is shown in it.",
    )
    project_managers_open_projects = forms.BooleanField(
        required=False,
        label="Project managers may open projects",
        help_text="Someone who manages at least one of the organisation's projects may open a "
        "new one and becomes its project manager. Administrators and portfolio owners "
        "always may.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _initial(organisation: Any) -> dict[str, Any]:
    return {
        "currency": organisation.currency,
        "project_managers_open_projects": organisation.project_managers_open_projects,
        "version": organisation.version,
    }


@login_required
@require_http_methods(["GET", "POST"])
def organisation_settings(request: HttpRequest) -> HttpResponse:
    """Show the organisation's settings (administrators only) and save a change."""
    who = actor(request)
    try:
        if not who.is_org_admin:
            raise Forbidden("Only the organisation's administrators change its settings.")
        organisation = settings_service.organisation_of(who)
    except DomainError as exc:
        return page_error(request, exc)
    form = OrganisationSettingsForm(request.POST or None, initial=_initial(organisation))
    status, conflict = 200, ""
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                settings_service.organisation_settings_update(
                    who=who, version=version, changes=data
                )
            except Conflict as exc:
                # Show the stored settings with the news; the user applies the change again.
                form = OrganisationSettingsForm(initial=_initial(exc.current))
                conflict, status = exc.message, 409
            except DomainError as exc:
                add_errors(form, exc)
                status = 400
            else:
                messages.success(request, "Organisation settings saved.")
                return redirect("accounts:organisation")
        else:
            status = 400
    return render(
        request,
        "accounts/organisation.html",
        {"form": form, "organisation": organisation, "conflict": conflict},
        status=status,
    )
