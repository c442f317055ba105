"""The project's history page: the journal in names and labels, filtered and paginated."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from keystage.accounts.actor import actor
from keystage.core.dates import plausible
from keystage.core.errors import DomainError
from keystage.core.journal_view import readable, type_label
from keystage.core.web import page_error
from keystage.portfolio import selectors

PAGE_SIZE = 50


class HistoryFilter(forms.Form):
    """Who, which kind of record, and from / to which day."""

    person = forms.ChoiceField(required=False, label="Person")
    record_type = forms.ChoiceField(required=False, label="Record type")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any, *, people: list[Any], types: list[str]) -> None:
        super().__init__(data)
        person = self.fields["person"]
        kind = self.fields["record_type"]
        assert isinstance(person, forms.ChoiceField) and isinstance(kind, forms.ChoiceField)
        person.choices = [("", "Everyone")] + [(str(u.public_id), u.display_name) for u in people]
        kind.choices = [("", "All records")] + [(t, type_label(t)) for t in types]

    def clean(self) -> dict[str, Any]:
        """Plausible days, the first not after the last."""
        data = super().clean() or {}
        for name in ("since", "until"):
            day = data.get(name)
            if day is not None and not plausible(day):
                self.add_error(name, "Enter a date between 1990 and 2200.")
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", "The last day must not be before the first.")
        return data


@login_required
@require_GET
def project_history(request: HttpRequest, project_id: str) -> HttpResponse:
    """Every change to the project, newest first: filtered by person, type and days; paged."""
    who = actor(request)
    try:
        project = selectors.project_get(who=who, project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    people, types = selectors.history_choices(who=who, project=project)
    form = HistoryFilter(request.GET or None, people=people, types=types)
    filters: dict[str, Any] = {}
    status = 200
    if form.is_bound:
        if form.is_valid():
            d = form.cleaned_data
            filters = {
                "actor_id": d.get("person") or None,
                "object_type": d.get("record_type") or None,
                "since": d.get("since"),
                "until": d.get("until"),
            }
        else:
            status = 400
    entries = selectors.project_history(who=who, project=project, **filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "project": project,
        "page": page,
        "rows": readable(page.object_list),
        "form": form,
        "query": query.urlencode(),
        "filtered": bool(any(filters.values())),
    }
    return render(request, "portfolio/project_history.html", context, status=status)
