"""HTML form of a collaboration link."""

from __future__ import annotations

from django import forms

from keystage.planning.forms.scope import model_form, rows
from keystage.planning.models.collaboration import CollaborationLink
from keystage.planning.services import collaboration as services

LinkForm = model_form(
    CollaborationLink,
    services.LINK_FIELDS,
    widgets={"notes": rows(2), "url": forms.URLInput(attrs={"placeholder": "https://"})},
    owner_required=False,
)
