"""HTML forms of the initiation pages, derived from the models; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from keystage.core.formfields import formfield
from keystage.initiation import intake, services
from keystage.initiation.models import (
    BusinessCase,
    CashFlowLine,
    FeasibilityStudy,
    IntakeProposal,
    Proposal,
    ResearchNote,
    Stakeholder,
)
from keystage.portfolio.lifecycle import ProjectKind


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


def _form(
    model: type[models.Model],
    fields: tuple[str, ...],
    widgets: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
) -> type[forms.Form]:
    """A plain form with the model's field types, limits and choices, plus the version."""
    attrs: dict[str, Any] = dict(
        forms.fields_for_model(
            model,
            fields=list(fields),
            widgets=widgets,
            labels=labels,
            formfield_callback=formfield,
        )
    )
    attrs["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    return type(f"{model.__name__}Form", (forms.Form,), attrs)


ProposalForm = _form(
    Proposal,
    services.PROPOSAL_FIELDS,
    widgets={"objective": _rows(2), "problem": _rows(4), "options": _rows(4)},
    labels={
        "problem": "Problem or opportunity",
        "options": "Options considered",
        "estimated_duration_days": "Estimated duration (days)",
    },
)
BusinessCaseForm = _form(
    BusinessCase,
    services.CASE_FIELDS,
    labels={
        "discount_rate": "Discount rate (% per period)",
        "horizon": "Horizon (periods)",
        "finance_rate": "MIRR finance rate (%)",
        "reinvest_rate": "MIRR reinvestment rate (%)",
        "rate_low": "Lowest discount rate (%)",
        "rate_high": "Highest discount rate (%)",
        "correlation": "Correlation between lines (0–0.95)",
        "simulation_runs": "Simulation runs",
    },
)
#: Settings with a default that an older form (or a client that leaves them out) need not
#: send: left out, the stored value (or the default) stays.
CASE_OPTIONAL = ("correlation", "simulation_runs")


class _BusinessCaseForm(BusinessCaseForm):  # type: ignore[misc,valid-type]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in CASE_OPTIONAL:
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for name in CASE_OPTIONAL:
            if data.get(name) is None:
                data.pop(name, None)
        return data


BusinessCaseForm = _BusinessCaseForm

LineForm = _form(
    CashFlowLine,
    services.LINE_FIELDS,
    labels={
        "period_start": "First period",
        "period_end": "Last period",
        "amount_low": "Low",
        "amount_likely": "Likely",
        "amount_high": "High",
    },
)
NoteForm = _form(ResearchNote, services.NOTE_FIELDS, widgets={"body": _rows(6)})
FeasibilityForm = _form(
    FeasibilityStudy,
    services.FEASIBILITY_FIELDS,
    widgets={
        **{f: _rows(2) for f in services.FEASIBILITY_FIELDS if f.endswith("_findings")},
        "conditions": _rows(2),
    },
)
StakeholderForm = _form(
    Stakeholder,
    services.STAKEHOLDER_FIELDS,
    widgets={"expectations": _rows(2), "strategy": _rows(2)},
    labels={"strategy": "Engagement strategy", "is_key": "Key stakeholder (must sign off)"},
)


class SignOffForm(forms.Form):
    """A stakeholder's sign-off, signed by the current user."""

    comment = forms.CharField(max_length=2000, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _people_choice(people: Any, *, label: str, required: bool) -> forms.ModelChoiceField[Any]:
    return forms.ModelChoiceField(queryset=people, required=required, label=label)


class IntakeForm(
    _form(  # type: ignore[misc]
        IntakeProposal,
        tuple(f for f in intake.SUBMIT_FIELDS if f != "suggested_sponsor"),
        widgets={"problem": _rows(4), "benefits": _rows(4)},
        labels={
            "problem": "Problem or opportunity",
            "benefits": "Expected benefits",
            "rough_cost": "Rough cost",
            "rough_duration_days": "Rough duration (days)",
            "annual_benefit": "Benefit per year (optional)",
            "benefit_years": "Years of benefit",
        },
    )
):
    """Submit or edit a project proposal; the sponsor is offered from the organisation."""

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suggested_sponsor"] = _people_choice(
            people, label="Suggested sponsor", required=False
        )


IntakeScoreForm = _form(
    IntakeProposal,
    intake.SCORE_FIELDS,
    labels={"strategic_score": "Strategic fit (1–5)", "feasibility_score": "Feasibility (1–5)"},
)


class IntakeNoteForm(forms.Form):
    """A question for the submitter, or the reason for a rejection."""

    note = forms.CharField(max_length=4000, widget=_rows(3), label="Note")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class IntakePromoteForm(forms.Form):
    """The project a proposal becomes."""

    code = forms.CharField(max_length=20, help_text="2–20 capital letters, digits or hyphens.")
    name = forms.CharField(max_length=200, required=False, help_text="The title when empty.")
    kind = forms.ChoiceField(choices=ProjectKind.choices, initial=ProjectKind.OTHER)
    start_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project_manager"] = _people_choice(
            people, label="Project manager", required=True
        )
        self.fields["sponsor"] = _people_choice(
            people, label="Sponsor (the suggested one when empty)", required=False
        )
