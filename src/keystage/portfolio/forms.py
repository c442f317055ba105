"""HTML forms: parse input for the services, which hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from keystage.accounts.models import User
from keystage.accounts.roles import ProjectRole
from keystage.portfolio.lifecycle import GateOutcome, ProjectKind


class DateInput(forms.DateInput):
    """A native date picker (it reads ISO dates only, whatever the locale's format)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ProjectForm(forms.Form):
    """Details of a project."""

    name = forms.CharField(max_length=200)
    code = forms.CharField(max_length=20, help_text="Short key, e.g. ERP-26.")
    kind = forms.ChoiceField(choices=ProjectKind.choices)
    start_date = forms.DateField(widget=DateInput)
    target_date = forms.DateField(widget=DateInput)
    description = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ProjectCreateForm(ProjectForm):
    """A new project with its leads."""

    project_manager = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    sponsor = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    def __init__(
        self,
        *args: Any,
        people: Any = None,
        sponsors: Any = None,
        managers: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["project_manager"].queryset = people  # type: ignore[attr-defined]
            self.fields["sponsor"].queryset = people  # type: ignore[attr-defined]
        if sponsors is not None:
            self.fields["sponsor"].queryset = sponsors  # type: ignore[attr-defined]
        if managers is not None:
            self.fields["project_manager"].queryset = managers  # type: ignore[attr-defined]


class ProjectEditForm(ProjectForm):
    """An edit of a project, carrying the version it was loaded at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _offer_roles(form: forms.Form, roles: list[tuple[str, str]] | None) -> None:
    """Offer only ``roles`` in the menu; any role still parses, so the service can say why
    one is refused (e.g. the sponsor role to a project manager)."""
    if roles is not None:
        form.fields["role"].widget.choices = roles  # type: ignore[attr-defined]


class MemberAddForm(forms.Form):
    """Invite a person into the project."""

    user = forms.ModelChoiceField(queryset=User.objects.none(), label="Person")
    role = forms.ChoiceField(choices=ProjectRole.choices, initial=ProjectRole.TEAM_MEMBER)

    def __init__(
        self,
        *args: Any,
        people: Any = None,
        roles: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["user"].queryset = people  # type: ignore[attr-defined]
        _offer_roles(self, roles)


class MemberInviteForm(forms.Form):
    """Invite anyone by e-mail; a new person gets an account and a link to set a password."""

    mode = forms.CharField(widget=forms.HiddenInput, initial="email")
    email = forms.EmailField(max_length=254, label="E-mail address")
    full_name = forms.CharField(max_length=300, required=False, label="Name")
    role = forms.ChoiceField(choices=ProjectRole.choices, initial=ProjectRole.TEAM_MEMBER)

    def __init__(
        self, *args: Any, roles: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer_roles(self, roles)


class MemberRoleForm(forms.Form):
    """Change a member's role."""

    role = forms.ChoiceField(choices=ProjectRole.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VersionForm(forms.Form):
    """A destructive action that names the version it acts on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class GateForm(forms.Form):
    """Decide the gate to the next stage."""

    to_stage = forms.CharField(widget=forms.HiddenInput, max_length=20)
    outcome = forms.ChoiceField(choices=GateOutcome.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Conditions attached to the decision, if any.",
    )
    override_reason = forms.CharField(
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only the sponsor, only for a go while checklist items are missing: say why. "
        "The portfolio shows the project as passed by override.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReopenForm(forms.Form):
    """Reopen a closed or cancelled project (organisation administrators), saying why."""

    reason = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why it is reopened; kept in the project's history and sent to its members.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
