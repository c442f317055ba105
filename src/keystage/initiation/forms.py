"""HTML forms of the initiation pages, derived from the models; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from keystage.core.formfields import formfield
from keystage.initiation import services
from keystage.initiation.models import (
    BusinessCase,
    CashFlowLine,
    FeasibilityStudy,
    Proposal,
    ResearchNote,
    Stakeholder,
)


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
    labels={"discount_rate": "Discount rate (% per period)", "horizon": "Horizon (periods)"},
)
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
