"""Initiation pages: the tab with every section, and one form page per record. Thin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import Conflict, DomainError
from keystage.core.middleware import accepts_uploads
from keystage.core.versioning import parse_version
from keystage.core.web import add_errors, page_error, record_form_page
from keystage.initiation import attachments, engine, selectors, services
from keystage.initiation.downloads import file_response
from keystage.initiation.forms import (
    BusinessCaseForm,
    FeasibilityForm,
    LineForm,
    NoteForm,
    ProposalForm,
    SignOffForm,
    StakeholderForm,
)
from keystage.portfolio.access import may_change_contribution, project_perms
from keystage.portfolio.gate_checks import gate_checklist
from keystage.portfolio.lifecycle import Stage
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get


def _back(project: Project, anchor: str = "") -> HttpResponse:
    response = redirect("initiation:overview", project_id=project.public_id)
    response["Location"] += f"#{anchor}" if anchor else ""
    return response


@login_required
@require_GET
def overview(request: HttpRequest, project_id: str) -> HttpResponse:
    """Every initiation section of the project, with the figures and charts."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
        case, lines, figures = selectors.business_case_figures(who=who, project=project)
    except DomainError as exc:
        return page_error(request, exc)
    perms = project_perms(request.user, project)
    stakeholders = list(selectors.stakeholder_list(who=who, project=project))
    checklist = gate_checklist(project) if project.stage == Stage.INITIATION else []
    context = {
        "project": project,
        "proposal": selectors.proposal_get(who=who, project=project),
        "case": case,
        "lines": lines,
        "figures": figures,
        "histogram_svg": engine.npv_histogram_svg(figures) if figures else "",
        "tornado_svg": engine.npv_tornado_svg(figures) if figures else "",
        "feasibility": selectors.feasibility_get(who=who, project=project),
        "stakeholders": stakeholders,
        "grid_svg": engine.stakeholder_grid_svg(stakeholders) if stakeholders else "",
        "notes": selectors.note_list(who=who, project=project),
        "checklist": checklist,
        **_figure_labels(figures),
        "can_edit": Perm.EDIT in perms,
        "can_contribute": Perm.CONTRIBUTE in perms,
        "can_sign": Perm.EDIT in perms or Perm.DECIDE_GATE in perms,
    }
    return render(request, "initiation/overview.html", context)


def _figure_labels(figures: engine.CaseFigures | None) -> dict[str, str]:
    """Rates and probabilities as the page shows them."""
    if figures is None or figures.result is None or figures.simulation is None:
        return {}
    result = figures.result
    return {
        "irr_pct": f"{result.irr:.1%}" if result.irr is not None else "",
        "irr_all": ", ".join(f"{r:.1%}" for r in figures.assessment.rates)
        if figures.assessment and len(figures.assessment.rates) > 1
        else "",
        "mirr_pct": f"{figures.mirr:.1%}" if figures.mirr is not None else "",
        "finance_pct": f"{figures.finance_rate:.2%}",
        "reinvest_pct": f"{figures.reinvest_rate:.2%}",
        "roi_pct": f"{result.roi:.0%}" if result.roi is not None else "",
        "p_negative": f"{figures.simulation.probability_negative:.1%}",
    }


def _form_page(
    request: HttpRequest,
    project: Project,
    *,
    anchor: str,
    **form: Any,
) -> HttpResponse:
    """The shared record form; after saving it goes back to the initiation tab at ``anchor``."""
    back_url = (
        reverse("initiation:overview", kwargs={"project_id": project.public_id}) + f"#{anchor}"
    )
    return record_form_page(request, project, back_url=back_url, **form)


def _version_or_required(version: int | None) -> int:
    return parse_version(version)  # 428 when the form lost its version


def _values(instance: Any, fields: tuple[str, ...]) -> dict[str, Any] | None:
    if instance is None:
        return None
    return {**{f: getattr(instance, f) for f in fields}, "version": instance.version}


def _project(request: HttpRequest, project_id: str, perm: str) -> Project:
    return project_get(who=actor(request), project_id=project_id, perm=perm)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: HttpRequest, project_id: str) -> HttpResponse:
    """Write or edit the proposal."""
    try:
        project = _project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    proposal = selectors.proposal_get(who=who, project=project)
    return _form_page(
        request,
        project,
        form_class=ProposalForm,
        initial=_values(proposal, services.PROPOSAL_FIELDS),
        save=lambda data, v: services.proposal_save(who=who, project=project, version=v, data=data),
        title="Project proposal",
        intro="Why is this project needed? State the objective, the problem and the options.",
        anchor="proposal",
    )


@login_required
@require_http_methods(["GET", "POST"])
def business_case_edit(request: HttpRequest, project_id: str) -> HttpResponse:
    """Set the discount rate and horizon of the business case."""
    try:
        project = _project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    case = selectors.business_case_get(who=who, project=project)
    return _form_page(
        request,
        project,
        form_class=BusinessCaseForm,
        initial=_values(case, services.CASE_FIELDS) or {"discount_rate": 8, "horizon": 5},
        save=lambda data, v: services.business_case_save(
            who=who, project=project, version=v, data=data
        ),
        title="Business case",
        intro="Cash flows are discounted per period; period 0 is today and not discounted.",
        anchor="business-case",
    )


@login_required
@require_http_methods(["GET", "POST"])
def line_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add a cost or benefit line."""
    try:
        project = _project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    return _form_page(
        request,
        project,
        form_class=LineForm,
        initial={"recurrence": "one_off", "period_start": 0},
        save=lambda data, v: services.line_create(who=who, project=project, data=data),
        title="Cash-flow line — new",
        intro="Amounts are never negative: the kind says whether money goes out or comes in. "
        "Give low, likely and high to feed the Monte Carlo simulation.",
        anchor="business-case",
    )


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request: HttpRequest, project_id: str, line_id: str) -> HttpResponse:
    """Edit or remove a cash-flow line."""
    who = actor(request)
    try:
        project = _project(request, project_id, Perm.EDIT)
        line = selectors.line_get(who=who, project=project, line_id=line_id)
    except DomainError as exc:
        return page_error(request, exc)
    return _form_page(
        request,
        project,
        form_class=LineForm,
        initial=_values(line, services.LINE_FIELDS),
        save=lambda data, v: services.line_update(
            who=who, line=line, version=_version_or_required(v), changes=data
        ),
        remove=lambda v: services.line_delete(who=who, line=line, version=_version_or_required(v)),
        title=f"Cash-flow line — {line.name}",
        intro="Changes are checked against the version you loaded.",
        anchor="business-case",
    )


@login_required
@require_http_methods(["GET", "POST"])
def feasibility_edit(request: HttpRequest, project_id: str) -> HttpResponse:
    """Write or edit the feasibility study."""
    try:
        project = _project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    study = selectors.feasibility_get(who=who, project=project)
    return _form_page(
        request,
        project,
        form_class=FeasibilityForm,
        initial=_values(study, services.FEASIBILITY_FIELDS),
        save=lambda data, v: services.feasibility_save(
            who=who, project=project, version=v, data=data
        ),
        title="Feasibility study",
        intro="Score each dimension from 1 (not feasible) to 5 (clearly feasible).",
        anchor="feasibility",
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add a research note."""
    try:
        project = _project(request, project_id, Perm.CONTRIBUTE)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    return _form_page(
        request,
        project,
        form_class=NoteForm,
        initial=None,
        save=lambda data, v: services.note_create(who=who, project=project, data=data),
        title="Research note — new",
        intro="Market studies, vendor calls, benchmarks: what the case rests on.",
        anchor="research",
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, project_id: str, note_id: str) -> HttpResponse:
    """Edit or remove a research note."""
    who = actor(request)
    try:
        project = _project(request, project_id, Perm.CONTRIBUTE)
        note = selectors.note_get(who=who, project=project, note_id=note_id)
    except DomainError as exc:
        return page_error(request, exc)
    return _form_page(
        request,
        project,
        form_class=NoteForm,
        initial=_values(note, services.NOTE_FIELDS),
        save=lambda data, v: services.note_update(
            who=who, note=note, version=_version_or_required(v), changes=data
        ),
        remove=lambda v: services.note_delete(who=who, note=note, version=_version_or_required(v)),
        title=f"Research note — {note.title}",
        intro="Changes are checked against the version you loaded.",
        anchor="research",
    )


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add a stakeholder to the register."""
    try:
        project = _project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    return _form_page(
        request,
        project,
        form_class=StakeholderForm,
        initial={"influence": 5, "interest": 5},
        save=lambda data, v: services.stakeholder_create(who=who, project=project, data=data),
        title="Stakeholder — new",
        intro="Influence (power) and interest from 1 to 10 place them on the grid.",
        anchor="stakeholders",
    )


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request: HttpRequest, project_id: str, stakeholder_id: str) -> HttpResponse:
    """Edit or remove a stakeholder entry."""
    who = actor(request)
    try:
        project = _project(request, project_id, Perm.EDIT)
        person = selectors.stakeholder_get(who=who, project=project, stakeholder_id=stakeholder_id)
    except DomainError as exc:
        return page_error(request, exc)
    return _form_page(
        request,
        project,
        form_class=StakeholderForm,
        initial=_values(person, services.STAKEHOLDER_FIELDS),
        save=lambda data, v: services.stakeholder_update(
            who=who, stakeholder=person, version=_version_or_required(v), changes=data
        ),
        remove=lambda v: services.stakeholder_delete(
            who=who, stakeholder=person, version=_version_or_required(v)
        ),
        title=f"Stakeholder — {person.name}",
        intro="Changes are checked against the version you loaded.",
        anchor="stakeholders",
    )


@login_required
@require_POST
def stakeholder_sign_off(
    request: HttpRequest, project_id: str, stakeholder_id: str
) -> HttpResponse:
    """Record a stakeholder's sign-off, signed by the current user."""
    who = actor(request)
    try:
        project = _project(request, project_id, Perm.VIEW)
        person = selectors.stakeholder_get(who=who, project=project, stakeholder_id=stakeholder_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = SignOffForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That sign-off was not understood; reload the page and try again.")
        return _back(project, "stakeholders")
    try:
        services.stakeholder_sign_off(
            who=who,
            stakeholder=person,
            version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
        )
    except DomainError as exc:
        if not isinstance(exc, Conflict) and exc.status_code == 403:
            return page_error(request, exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Sign-off of {person.name} recorded.")
    return _back(project, "stakeholders")


# ---------------------------------------------------------------- attachments


class AttachmentForm(forms.Form):
    """One file for a research note."""

    file = forms.FileField(label="File", allow_empty_file=True)


@accepts_uploads
@login_required
@require_http_methods(["GET", "POST"])
def attachments_page(request: HttpRequest, project_id: str, note_id: str) -> HttpResponse:
    """A research note's files: list, upload (contributors), remove."""
    who = actor(request)
    perm = Perm.CONTRIBUTE if request.method == "POST" else Perm.VIEW
    try:
        project = _project(request, project_id, perm)
        note = selectors.note_get(who=who, project=project, note_id=note_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                attachment = attachments.attachment_create(
                    who=who, note=note, upload=form.cleaned_data["file"]
                )
            except DomainError as exc:
                if exc.status_code == 403:
                    return page_error(request, exc)
                add_errors(form, exc)
            else:
                messages.success(request, f"'{attachment.original_name}' attached.")
                return redirect(
                    "initiation:attachments", project_id=project.public_id, note_id=note.public_id
                )
    context = {
        "project": project,
        "note": note,
        "files": selectors.attachment_list(who=who, note=note),
        "form": form,
        "limit_mb": attachments.max_bytes() // (1024 * 1024),
        "can_contribute": may_change_contribution(who, project, note.author_id),
        "can_edit": Perm.EDIT in project_perms(who, project),
    }
    return render(request, "initiation/attachments.html", context, status=status)


@login_required
@require_GET
def attachment_download(
    request: HttpRequest, project_id: str, note_id: str, attachment_id: str
) -> HttpResponseBase:
    """Send the file as a download, after checking that the project is visible."""
    who = actor(request)
    try:
        project = _project(request, project_id, Perm.VIEW)
        note = selectors.note_get(who=who, project=project, note_id=note_id)
        attachment = selectors.attachment_get(who=who, note=note, attachment_id=attachment_id)
        return file_response(attachment)
    except DomainError as exc:
        return page_error(request, exc)


@login_required
@require_POST
def attachment_delete(
    request: HttpRequest, project_id: str, note_id: str, attachment_id: str
) -> HttpResponse:
    """Remove a file at the version shown."""
    who = actor(request)
    try:
        project = _project(request, project_id, Perm.CONTRIBUTE)
        note = selectors.note_get(who=who, project=project, note_id=note_id)
        attachment = selectors.attachment_get(who=who, note=note, attachment_id=attachment_id)
        attachments.attachment_delete(
            who=who, attachment=attachment, version=parse_version(request.POST.get("version"))
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    except DomainError as exc:
        return page_error(request, exc)
    else:
        messages.success(request, f"'{attachment.original_name}' removed.")
    return redirect("initiation:attachments", project_id=project.public_id, note_id=note.public_id)
