"""Pages of the intake queue: the queue (or one's own proposals), submitting, and one
proposal with the submitter's edit and the PMO's score, question, rejection and promotion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from keystage.accounts.actor import actor
from keystage.core.errors import Conflict, DomainError, InvalidInput
from keystage.core.web import add_errors, conflict_context, page_error, save_form
from keystage.initiation import intake
from keystage.initiation.forms import IntakeForm, IntakeNoteForm, IntakePromoteForm, IntakeScoreForm
from keystage.initiation.models import INTAKE_OPEN, IntakeProposal, IntakeStatus
from keystage.portfolio.access import users_visible_to


def _people(request: HttpRequest) -> Any:
    return users_visible_to(request.user).filter(is_active=True).order_by("last_name", "username")


@login_required
@require_GET
def intake_list(request: HttpRequest) -> HttpResponse:
    """The ranked queue for the PMO and administrators; one's own proposals for others."""
    params = request.GET
    try:
        rows = intake.intake_list(
            who=actor(request),
            status=params.get("status", ""),
            search=params.get("q", "")[:100],
            sort=params.get("sort", "rank"),
        )
    except DomainError as exc:
        return page_error(request, exc)
    return render(
        request,
        "initiation/intake_list.html",
        {
            "rows": rows,
            "is_pmo": intake.may_decide(request.user),
            "statuses": IntakeStatus.choices,
            "filters": params,
            "sorts": intake.SORTS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def intake_new(request: HttpRequest) -> HttpResponse:
    """Any member submits a project proposal."""
    form = IntakeForm(request.POST or None, people=_people(request))
    status = 200
    if request.method == "POST":
        try:
            proposal = save_form(
                form, lambda data, _v: intake.intake_submit(who=actor(request), data=data)
            )
        except DomainError as exc:
            if not isinstance(exc, InvalidInput) or not form.errors:
                add_errors(form, exc)
            status = exc.status_code if exc.status_code == 403 else 400
        else:
            messages.success(request, "Proposal submitted. The PMO will look at it.")
            return redirect("intake:detail", proposal_id=proposal.public_id)
    return render(request, "initiation/intake_new.html", {"form": form}, status=status)


def _forms(
    request: HttpRequest, proposal: IntakeProposal, bound: str | None
) -> dict[str, forms.Form]:
    """The forms the reader may use on this proposal; ``bound`` takes the POST."""
    data = request.POST if bound else None
    version = {"version": proposal.version}
    out: dict[str, forms.Form] = {}
    if intake.may_edit(request.user, proposal):
        initial = {f: getattr(proposal, f) for f in intake.SUBMIT_FIELDS} | version
        out["edit"] = IntakeForm(
            data if bound == "edit" else None, initial=initial, people=_people(request)
        )
    if intake.may_decide(request.user) and proposal.status in INTAKE_OPEN:
        scores = {f: getattr(proposal, f) for f in intake.SCORE_FIELDS} | version
        out["score"] = IntakeScoreForm(data if bound == "score" else None, initial=scores)
        out["request_info"] = IntakeNoteForm(
            data if bound == "request_info" else None, initial=version, prefix="ask"
        )
        out["reject"] = IntakeNoteForm(
            data if bound == "reject" else None, initial=version, prefix="reject"
        )
        out["promote"] = IntakePromoteForm(
            data if bound == "promote" else None,
            initial=version | {"sponsor": proposal.suggested_sponsor_id},
            people=_people(request),
        )
    return out


def _save(request: HttpRequest, proposal: IntakeProposal, action: str) -> Callable[..., Any]:
    who = actor(request)

    savers: dict[str, Callable[[dict[str, Any], Any], Any]] = {
        "edit": lambda d, v: intake.intake_update(who=who, proposal=proposal, version=v, data=d),
        "score": lambda d, v: intake.intake_score(who=who, proposal=proposal, version=v, data=d),
        "request_info": lambda d, v: intake.intake_request_info(
            who=who, proposal=proposal, version=v, note=d.get("note", "")
        ),
        "reject": lambda d, v: intake.intake_reject(
            who=who, proposal=proposal, version=v, note=d.get("note", "")
        ),
        "promote": lambda d, v: intake.intake_promote(
            who=who,
            proposal=proposal,
            version=v,
            **{k: x for k, x in d.items() if x or k == "project_manager"},
        ),
    }
    return savers[action]


DONE = {
    "edit": "Proposal saved.",
    "score": "Scores saved.",
    "request_info": "Question sent to the submitter.",
    "reject": "Proposal rejected; the submitter is told why.",
    "promote": "Proposal promoted: the project is open in Initiation.",
}


@login_required
@require_http_methods(["GET", "POST"])
def intake_detail(request: HttpRequest, proposal_id: Any) -> HttpResponse:
    """One proposal; POST ``action`` = edit, score, request_info, reject or promote."""
    try:
        proposal = intake.intake_get(who=actor(request), proposal_id=proposal_id)
    except DomainError as exc:
        return page_error(request, exc)
    action = request.POST.get("action") if request.method == "POST" else None
    available = _forms(request, proposal, None)
    if action is not None and action not in available:
        reason = (
            "Only the PMO and administrators decide on open proposals; "
            "only the submitter edits an open one."
        )
        return render(request, "core/error.html", {"message": reason}, status=403)
    context: dict[str, Any] = {
        "proposal": proposal,
        "figures": intake.figures(proposal),
        "is_pmo": intake.may_decide(request.user),
    }
    status = 200
    if action is not None:
        available = _forms(request, proposal, action)
        try:
            result = save_form(available[action], _save(request, proposal, action))
        except Conflict as exc:
            context.update(conflict_context(exc))
            status = 409
        except DomainError as exc:
            form = available[action]
            if not isinstance(exc, InvalidInput) or not form.errors:
                add_errors(form, exc)
            status = exc.status_code if exc.status_code in (403, 428) else 400
        else:
            messages.success(request, DONE[action])
            if action == "promote" and result.project is not None:
                return redirect("portfolio:project-detail", project_id=result.project.public_id)
            return redirect("intake:detail", proposal_id=proposal.public_id)
    context["forms"] = available
    context["action"] = action
    return render(request, "initiation/intake_detail.html", context, status=status)
