"""HTML forms of the scope pages, derived from the models; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from keystage.accounts.models import User
from keystage.core.formfields import formfield
from keystage.planning.models.scope import Deliverable, ScopeItem, ScopeNote, ScopeStatement
from keystage.planning.services import scope as services


class IsoDateInput(forms.DateInput):
    """A native date picker; its value must be ISO (YYYY-MM-DD) whatever the locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def rows(n: int) -> forms.Textarea:
    """A textarea of ``n`` rows."""
    return forms.Textarea(attrs={"rows": n})


class MemberChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A project member, shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        """The member's full name."""
        return str(obj.display_name)


class RecordForm(forms.Form):
    """A form for one record: the model's fields plus the version it was loaded at."""

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            field = self.fields["owner"]
            field.queryset = members if members is not None else User.objects.none()  # type: ignore[attr-defined]


def model_form(
    model: type[models.Model],
    fields: tuple[str, ...],
    *,
    widgets: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
    owner_required: bool = False,
) -> type[RecordForm]:
    """A plain form with the model's field types, limits and choices, plus the version."""
    plain = [f for f in fields if f != "owner"]
    attrs: dict[str, Any] = dict(
        forms.fields_for_model(
            model, fields=plain, widgets=widgets, labels=labels, formfield_callback=formfield
        )
    )
    for name, field in attrs.items():
        if isinstance(field, forms.DateField):
            field.widget = IsoDateInput()
        if name == "order":
            field.required = False
            field.initial = None
            field.help_text = "Position in the list; empty puts it last."
    if "owner" in fields:
        attrs["owner"] = MemberChoice(
            queryset=User.objects.none(),
            required=owner_required,
            empty_label="— nobody yet —" if not owner_required else "— choose —",
            help_text="A member of the project.",
        )
    attrs["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    ordered = {name: attrs[name] for name in (*fields, "version") if name in attrs}
    return type(f"{model.__name__}Form", (RecordForm,), ordered)


StatementForm = model_form(
    ScopeStatement, services.STATEMENT_FIELDS, widgets={"statement": rows(8)}
)
DeliverableForm = model_form(
    Deliverable,
    services.DELIVERABLE_FIELDS,
    widgets={"description": rows(2), "acceptance_criteria": rows(3)},
)
ScopeItemForm = model_form(
    ScopeItem, services.ITEM_FIELDS, labels={"in_scope": "In scope (untick: out of scope)"}
)
ScopeNoteForm = model_form(ScopeNote, services.NOTE_FIELDS, widgets={"text": rows(2)})
