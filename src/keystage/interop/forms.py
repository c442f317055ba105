"""The Import page's upload form."""

from __future__ import annotations

from django import forms

from keystage.interop.services import MAX_UPLOAD


class ImportUploadForm(forms.Form):
    """A plan file to preview before importing it."""

    file = forms.FileField(
        label="Plan file",
        help_text="MS Project XML (.xml), plan TOML (.toml) or, where MPXJ is installed, "
        ".mpp .mpx .xer .pmxml .pod .gan .planner … — at most 50 MB.",
    )

    def clean_file(self) -> object:
        """Refuse a file over the limit with its size in the message."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(
                f"The file is {upload.size / 2**20:.1f} MB; the limit is {MAX_UPLOAD // 2**20} MB."
            )
        return upload


class NewProjectImportForm(ImportUploadForm):
    """A plan file that opens a new project, and that project's name and code."""

    name = forms.CharField(
        max_length=200, required=False, help_text="Empty: the project title in the file."
    )
    code = forms.CharField(
        max_length=20, required=False, help_text="Short key, e.g. ERP-27. Empty: from the name."
    )
