"""The column mapping of a spreadsheet task list, as a form (upload page) and a serializer
(API): each field names the header that holds it, or is left empty.

The import page shows :func:`mapping_initial` (the reader's guess from the headers) and
lets the user correct it; :meth:`ColumnMappingForm.mapping` and
:meth:`ColumnMappingSerializer.mapping` turn the answer into the engine's
:class:`~keystage.engine.tabular.ColumnMapping`. A header that is not in the file is a
field message (the reader then reports the same with the header line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from django import forms
from rest_framework import serializers

from keystage.engine.tabular import ColumnMapping, guess_mapping

FIELDS = tuple(f.name for f in fields(ColumnMapping))
LABELS = {
    "name": "Task name",
    "id": "ID (what predecessors refer to)",
    "wbs": "WBS code",
    "outline_level": "Outline level",
    "duration": "Duration",
    "duration_unit": "Duration unit",
    "start": "Start",
    "finish": "Finish",
    "predecessors": "Predecessors",
    "resources": "Resource names",
    "milestone": "Milestone",
    "notes": "Notes",
}
NOT_A_COLUMN = "This file has no column with that header."


def mapping_initial(headers: Sequence[str]) -> dict[str, str]:
    """The guessed mapping as a form's initial data (empty string = not mapped)."""
    guessed = guess_mapping(headers)
    return {name: getattr(guessed, name) or "" for name in FIELDS}


def _mapping(data: dict[str, Any]) -> ColumnMapping:
    return ColumnMapping(**{name: (data.get(name) or None) for name in FIELDS})


class ColumnMappingForm(forms.Form):
    """One menu per field, offering the file's headers."""

    def __init__(self, *args: Any, headers: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "— none —"), *((h, h) for h in headers if h)]
        for name in FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=LABELS[name], choices=choices, required=name == "name"
            )

    def mapping(self) -> ColumnMapping:
        """The engine's mapping from the cleaned data (call after ``is_valid``)."""
        return _mapping(self.cleaned_data)


class ColumnMappingSerializer(serializers.Serializer[Any]):
    """Field → header; omitted or empty fields are not mapped (``name`` is required)."""

    name = serializers.CharField(max_length=200)
    id = serializers.CharField(max_length=200, required=False, allow_blank=True)
    wbs = serializers.CharField(max_length=200, required=False, allow_blank=True)
    outline_level = serializers.CharField(max_length=200, required=False, allow_blank=True)
    duration = serializers.CharField(max_length=200, required=False, allow_blank=True)
    duration_unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    start = serializers.CharField(max_length=200, required=False, allow_blank=True)
    finish = serializers.CharField(max_length=200, required=False, allow_blank=True)
    predecessors = serializers.CharField(max_length=200, required=False, allow_blank=True)
    resources = serializers.CharField(max_length=200, required=False, allow_blank=True)
    milestone = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def __init__(self, *args: Any, headers: Sequence[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = None if headers is None else {h for h in headers if h}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Every named header must be in the file (when the headers are known)."""
        if self.headers is not None:
            errors = {
                name: [NOT_A_COLUMN]
                for name, header in attrs.items()
                if header and header not in self.headers
            }
            if errors:
                raise serializers.ValidationError(errors)
        return attrs

    def mapping(self) -> ColumnMapping:
        """The engine's mapping from the validated data (call after ``is_valid``)."""
        return _mapping(dict(self.validated_data))
