"""Pages of quality: the Quality tab (plan × acceptance, test runs, defects) and the
sign-off page of a deliverable. The criteria, test runs and defects forms come from the
record kits (``records``); their list routes lead back to the tab."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import Conflict, DomainError
from keystage.core.web import add_errors, page_error
from keystage.initiation.models import Stakeholder
from keystage.planning.models import Deliverable
from keystage.portfolio.access import is_closed, project_perms, require_open
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get
from keystage.quality.api import sign_offs_of
from keystage.quality.charts import defects_chart
from keystage.quality.models import Criterion, Decision, Defect, TestRun
from keystage.quality.records import members
from keystage.quality.selectors.summary import quality_summary
from keystage.quality.services.plan import criteria_from_scope
from keystage.quality.services.sign_offs import latest_sign_off, sign_off_create


def overview_url(project: Project, anchor: str = "") -> str:
    """The Quality tab of ``project`` (at ``anchor``)."""
    url = reverse("quality:overview", args=[project.public_id])
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_GET
def overview(request: HttpRequest, project_id: str) -> HttpResponse:
    """The quality plan per deliverable with its acceptance, the test runs and the defects."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    summary = quality_summary(project=project)
    perms = project_perms(request.user, project)
    context = {
        "project": project,
        "summary": summary,
        "runs": TestRun.objects.filter(project=project).select_related("deliverable", "tester"),
        "defects": Defect.objects.filter(project=project).select_related(
            "deliverable", "owner", "test_run"
        ),
        "chart": mark_safe(defects_chart(summary)),  # noqa: S308 — escaped by the renderer
        "can_write": Perm.CONTRIBUTE in perms,
        "can_sign": not is_closed(project),
    }
    return render(request, "quality/overview.html", context)


def back_to(anchor: str) -> Any:
    """A kit's list route: the tab's section (the kit's forms come back there)."""

    @login_required
    @require_GET
    def view(request: HttpRequest, project_id: str) -> HttpResponse:
        try:
            project = project_get(who=actor(request), project_id=project_id)
        except DomainError as exc:
            return page_error(request, exc)
        return redirect(overview_url(project, anchor))

    view.__doc__ = f"The Quality tab, at its {anchor}."
    return view


@login_required
@require_POST
def criteria_from_scope_page(
    request: HttpRequest, project_id: str, deliverable_id: str
) -> HttpResponse:
    """Start a deliverable's plan from the criteria written in its scope."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id, perm=Perm.CONTRIBUTE)
        deliverable = Deliverable.objects.filter(project=project, public_id=deliverable_id).first()
        if deliverable is None:
            raise Http404
        made = criteria_from_scope(who=who, deliverable=deliverable)
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(
        request,
        f"'{deliverable}': {len(made)} criteria taken from the scope."
        if made
        else f"'{deliverable}': every criterion of the scope is in the plan already.",
    )
    return redirect(overview_url(project, "plan"))


METHOD_CHOICES = [("met", "Met"), ("not_met", "Not met")]


class SignOffForm(forms.Form):
    """Decision, who signs and when, and each criterion of the plan met or not."""

    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    conditions = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    comment = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    signed_by = forms.ChoiceField(label="Signed by")
    signed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    supersedes = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, criteria: list[Criterion], signers: list[Any], **kw: Any):
        super().__init__(*args, **kw)
        cast(forms.ChoiceField, self.fields["signed_by"]).choices = signers
        self.criteria = criteria
        for c in criteria:
            self.fields[f"met_{c.public_id}"] = forms.ChoiceField(
                label=c.text, choices=METHOD_CHOICES, widget=forms.RadioSelect
            )
            self.fields[f"note_{c.public_id}"] = forms.CharField(
                label=f"Note on '{c.text}'", required=False, max_length=500
            )

    def criterion_rows(self) -> list[tuple[Criterion, Any, Any]]:
        """Each criterion with its two bound fields, for the template."""
        return [(c, self[f"met_{c.public_id}"], self[f"note_{c.public_id}"]) for c in self.criteria]

    def data_for_service(self) -> dict[str, Any]:
        """The service's input from the cleaned form."""
        data = self.cleaned_data
        kind, _, ref = data["signed_by"].partition(":")
        return {
            "decision": data["decision"],
            "conditions": data["conditions"],
            "comment": data["comment"],
            "stakeholder" if kind == "s" else "signer": ref,
            "signed_on": data["signed_on"],
            "supersedes": data["supersedes"] or None,
            "results": [
                {
                    "criterion": c.public_id,
                    "met": data[f"met_{c.public_id}"] == "met",
                    "note": data[f"note_{c.public_id}"],
                }
                for c in self.criteria
            ],
        }


def _signers(project: Project, who: Any) -> list[Any]:
    """Who may sign: the project's stakeholders and members (a non-manager: themselves)."""
    me = [(f"u:{who.username}", f"{who.get_full_name() or who.username} (me)")]
    if Perm.EDIT not in project_perms(who, project):
        return me
    stakeholders = [
        (f"s:{s.public_id}", f"{s.name}" + (f", {s.role}" if s.role else ""))
        for s in Stakeholder.objects.filter(project=project)
    ]
    people = [
        (f"u:{u.username}", u.get_full_name() or u.username)
        for u in members(project).order_by("first_name", "username")
    ]
    return [("", "—"), ("Stakeholders", stakeholders), ("Project members", people)]


@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request: HttpRequest, project_id: str, deliverable_id: str) -> HttpResponse:
    """Sign a deliverable off (or reject it) against its criteria; its sign-off history."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
        deliverable = Deliverable.objects.filter(project=project, public_id=deliverable_id).first()
        if deliverable is None:
            raise Http404
        if request.method == "POST":
            require_open(project)
    except DomainError as exc:
        return page_error(request, exc)
    criteria = list(Criterion.objects.filter(deliverable=deliverable).order_by("order", "id"))
    latest = latest_sign_off(deliverable)
    initial = {
        "signed_on": timezone.localdate(),
        "supersedes": str(latest.public_id) if latest else "",
    }
    form = SignOffForm(
        request.POST or None,
        initial=initial,
        criteria=criteria,
        signers=_signers(project, who),
    )
    status, conflict = 200, ""
    if request.method == "POST":
        try:
            if not form.is_valid():
                status = 400
            else:
                data = form.data_for_service() | {"deliverable": deliverable.public_id}
                done = sign_off_create(who=who, project=project, data=data)
                messages.success(request, f"'{deliverable}' {done.get_decision_display().lower()}.")
                return redirect(overview_url(project, "acceptance"))
        except Conflict as exc:
            status, conflict = 409, exc.message
        except DomainError as exc:
            if not form.is_bound or exc.status_code == 403:
                return page_error(request, exc)
            add_errors(form, exc)
            status = 400
    context = {
        "project": project,
        "deliverable": deliverable,
        "form": form,
        "latest": latest,
        "conflict": conflict,
        "history": sign_offs_of(project).filter(deliverable=deliverable),
        "closed": is_closed(project),
    }
    return render(request, "quality/sign_off.html", context, status=status)
