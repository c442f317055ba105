"""The "New from template" page: open a project with the plan of one the user may see, or
of an uploaded plan TOML file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from keystage.accounts.actor import actor
from keystage.core.errors import DomainError, Forbidden, NotFound
from keystage.core.lookup import parse_public_id
from keystage.core.web import add_errors, page_error
from keystage.interop.from_template import (
    project_create_from_plan,
    project_create_from_template,
    templates_visible_to,
)
from keystage.interop.services import MAX_UPLOAD
from keystage.portfolio.access import can_create_projects
from keystage.portfolio.forms import DateInput
from keystage.portfolio.lifecycle import ProjectKind
from keystage.portfolio.services import CREATE_REFUSED


class TemplateChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A project offered as a template, shown by code and name; posted by its public id."""

    def label_from_instance(self, obj: Any) -> str:
        """``CODE — Name (start date)``."""
        return f"{obj.code} — {obj.name} (from {obj.start_date:%d %b %Y})"


class FromTemplateForm(forms.Form):
    """The template (a project or a plan TOML file), and the new project's code, name and
    start."""

    template = TemplateChoice(
        queryset=None,
        to_field_name="public_id",
        required=False,
        help_text="Its WBS, links, durations, skill needs and budget lines are copied.",
    )
    plan = forms.FileField(
        label="Or a plan file",
        required=False,
        help_text="A plan TOML file (.toml, see the plan format): its WBS, links, durations, "
        "work, costs and working week are used.",
    )
    kind = forms.ChoiceField(
        choices=ProjectKind.choices,
        initial=ProjectKind.OTHER,
        required=False,
        help_text="For a plan file; a project template gives its own kind.",
    )
    name = forms.CharField(max_length=200)
    code = forms.CharField(max_length=20, help_text="Short key, e.g. ERP-27.")
    start_date = forms.DateField(
        widget=DateInput, help_text="Every date of the template moves with the start."
    )

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]

    def clean_plan(self) -> Any:
        """Refuse a file over the upload limit with its size in the message."""
        upload = self.cleaned_data.get("plan")
        if upload is not None and upload.size > MAX_UPLOAD:
            raise forms.ValidationError(
                f"The file is {upload.size / 2**20:.1f} MB; the limit is {MAX_UPLOAD // 2**20} MB."
            )
        return upload

    def clean(self) -> dict[str, Any]:
        """Exactly one template: a project or a plan file."""
        data = super().clean() or {}
        has_template, has_plan = bool(data.get("template")), bool(data.get("plan"))
        if has_template == has_plan and "template" not in self.errors and "plan" not in self.errors:
            self.add_error("template", "Choose a template project or upload a plan file (one).")
        return data


@login_required
@require_http_methods(["GET", "POST"])
def project_from_template(request: HttpRequest) -> HttpResponse:
    """Open a project from a template (a project the user may see)."""
    if not can_create_projects(request.user):
        return page_error(request, Forbidden(CREATE_REFUSED))
    who = actor(request)
    templates = templates_visible_to(who)
    initial: dict[str, Any] = {"start_date": dt.date.today()}
    chosen = request.GET.get("template", "")[:40]
    if chosen and request.method == "GET":  # "Use as template" from a project's page
        initial["template"] = _template(templates, chosen)
    form = FromTemplateForm(
        request.POST or None, request.FILES or None, templates=templates, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data.get("plan"):
                upload = data["plan"]
                source = str(upload.name)
                project = project_create_from_plan(
                    who=who,
                    data=upload.read(),
                    filename=source,
                    code=data["code"],
                    name=data["name"],
                    start=data["start_date"],
                    kind=data.get("kind") or ProjectKind.OTHER,
                )
            else:
                source = data["template"].code
                project = project_create_from_template(
                    who=who,
                    source=data["template"],
                    code=data["code"],
                    name=data["name"],
                    start=data["start_date"],
                )
        except DomainError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Project {project.code} opened from template {source}.")
            return redirect("portfolio:project-detail", project_id=project.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "interop/from_template.html",
        {"form": form, "has_templates": templates.exists()},
        status=status,
    )


def _template(templates: Any, text: str) -> Any:
    """The visible template with this public id, or None (a bad id chooses nothing)."""
    try:
        return templates.filter(public_id=parse_public_id(text)).first()
    except NotFound:
        return None
