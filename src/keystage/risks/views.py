"""Pages: the risk register (with its heat maps), one risk, the issue log, one issue, and
the organisation's risk matrix. Thin: each calls one selector or service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import Conflict, DomainError, InvalidInput
from keystage.core.versioning import parse_version
from keystage.core.web import page_error, record_form_page
from keystage.portfolio.access import project_perms
from keystage.portfolio.selectors import project_get
from keystage.reporting.svg.heatmap import risk_heat_map
from keystage.risks.matrix import LEVELS, Matrix
from keystage.risks.models import Risk, Severity
from keystage.risks.positions import attach
from keystage.risks.records import ISSUES, RISKS
from keystage.risks.selectors.register import figures_of, heat_counts
from keystage.risks.services import matrix as matrix_services
from keystage.risks.services.register import issue_escalate, risk_occurred, risks_carry_forward


def heat_maps(risks: list[Risk], matrix: Matrix) -> tuple[str, str]:
    """The register's heat maps before and after the responses (live risks only)."""
    ratings = [[matrix.rating((p + 1) * (i + 1)) for i in range(LEVELS)] for p in range(LEVELS)]
    return tuple(  # type: ignore[return-value]
        risk_heat_map(
            heat_counts(risks, after=after),
            ratings,
            probability_labels=matrix.probability_labels,
            impact_labels=matrix.impact_labels,
            title=f"Open risks {'after' if after else 'before'} responses",
            subtitle="Count per cell; probability level × impact level = score",
        )
        for after in (False, True)
    )


@login_required
@require_GET
def register_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The project's risks (score before and after responses, owner, proximity, tasks),
    the heat maps, and what the register says in figures."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    risks = RISKS.rows(who=who, project=project)
    matrix = matrix_services.matrix_of(project.organisation_id)
    before, after = heat_maps(risks, matrix)
    perms = project_perms(request.user, project)
    show = request.GET.get("show", "live")
    shown = risks if show == "all" else [r for r in risks if r.status in ("open", "mitigating")]
    context = {
        "project": project,
        "risks": sorted(shown, key=lambda r: (-r.before_at.score, r.number)),
        "figures": figures_of(risks, today=timezone.localdate()),
        "heat_before": before,
        "heat_after": after,
        "show": show,
        "can_write": Perm.CONTRIBUTE in perms,
        "can_carry": Perm.EDIT in perms,
    }
    return render(request, "risks/register.html", context)


@login_required
@require_GET
def responses_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """Responses are listed under their risks: back to the register (after an edit too)."""
    try:
        project = project_get(who=actor(request), project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    return redirect(reverse("risks:risks", args=[project.public_id]))


def _risk(request: HttpRequest, project_id: str, risk_id: str, perm: str = Perm.VIEW) -> Any:
    who = actor(request)
    project = project_get(who=who, project_id=project_id, perm=perm)
    risk = RISKS.get_record(who=who, project=project, record_id=risk_id)
    return project, risk


@login_required
@require_GET
def risk_page(request: HttpRequest, project_id: str, risk_id: str) -> HttpResponse:
    """One risk: cause → event → effect, its position before and after, its tasks and
    responses, and (for contributors) "it occurred"."""
    try:
        project, risk = _risk(request, project_id, risk_id)
    except DomainError as exc:
        return page_error(request, exc)
    found = attach(risk, matrix_services.matrix_of(project.organisation_id))
    context = {
        "project": project,
        "risk": found,
        "responses": sorted(found.responses.all(), key=lambda r: (r.created_at, r.pk)),
        "can_write": Perm.CONTRIBUTE in project_perms(request.user, project),
        "severities": Severity.choices,
    }
    return render(request, "risks/risk.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def risk_edit_page(request: HttpRequest, project_id: str, risk_id: str) -> HttpResponse:
    """Edit or remove a risk (the kit's form, with its linked tasks shown)."""
    who = actor(request)
    try:
        project, risk = _risk(request, project_id, risk_id, Perm.CONTRIBUTE)
    except DomainError as exc:
        return page_error(request, exc)
    initial = {f: getattr(risk, f) for f in RISKS.spec.fields} | {
        "version": risk.version,
        "tasks": list(risk.tasks.all()),
    }
    back = reverse("risks:risks-detail", args=[project.public_id, risk.public_id])
    return record_form_page(
        request,
        project,
        form_class=RISKS.project_form(project),
        initial=initial,
        save=lambda data, v: RISKS.update(
            who=who, record=risk, version=parse_version(v), changes=data
        ),
        remove=lambda v: RISKS.delete(who=who, record=risk, version=parse_version(v)),
        title=f"Risk — {risk.key} {risk.title}",
        intro=RISKS.spec.intro,
        back_url=back,
    )


@login_required
@require_POST
def risk_occurred_page(request: HttpRequest, project_id: str, risk_id: str) -> HttpResponse:
    """The risk happened: it becomes an issue (which opens), the risk's status → occurred."""
    who = actor(request)
    try:
        project, risk = _risk(request, project_id, risk_id, Perm.CONTRIBUTE)
        issue = risk_occurred(
            who=who,
            risk=risk,
            version=parse_version(request.POST.get("version")),
            data={"severity": request.POST.get("severity") or Severity.HIGH},
        )
    except (InvalidInput, Conflict) as exc:
        messages.error(request, _words(exc))
        return redirect(reverse("risks:risks-detail", args=[project_id, risk_id]))
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, f"{risk.key} occurred: {issue.key} opened in the issue log.")
    return redirect(reverse("risks:issues-detail", args=[project.public_id, issue.public_id]))


def _words(exc: DomainError) -> str:
    if isinstance(exc, InvalidInput):
        return " ".join(str(m) for ms in exc.errors.values() for m in ms)
    return "It changed meanwhile; this is the stored version. Try again."


@login_required
@require_POST
def carry_forward_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """Carry the feasibility study's and business case's risks into the register."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id, perm=Perm.EDIT)
        done = risks_carry_forward(who=who, project=project)
    except DomainError as exc:
        return page_error(request, exc)
    if done.added:
        keys = ", ".join(r.key for r in done.added)
        messages.success(request, f"Carried forward from the initiation: {keys}.")
    else:
        messages.info(
            request,
            "Nothing new to carry forward"
            + (f" ({done.already} already in the register)." if done.already else "."),
        )
    return redirect(reverse("risks:risks", args=[project.public_id]))


# -- issues --------------------------------------------------------------------------------------


@login_required
@require_GET
def issue_log_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The project's issues: open first, with severity, owner, due date and escalation."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    issues = list(ISSUES.list_records(who=who, project=project))
    order = {"open": 0, "in_progress": 1, "resolved": 2, "closed": 3}
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    issues.sort(key=lambda i: (order[i.status], rank[i.severity], i.number))
    context = {
        "project": project,
        "issues": issues,
        "today": timezone.localdate(),
        "can_write": Perm.CONTRIBUTE in project_perms(request.user, project),
    }
    return render(request, "risks/issues.html", context)


def _issue(request: HttpRequest, project_id: str, issue_id: str, perm: str) -> Any:
    who = actor(request)
    project = project_get(who=who, project_id=project_id, perm=perm)
    return project, ISSUES.get_record(who=who, project=project, record_id=issue_id)


@login_required
@require_GET
def issue_page(request: HttpRequest, project_id: str, issue_id: str) -> HttpResponse:
    """One issue, the risk it came from, its escalation (and the form to escalate)."""
    try:
        project, issue = _issue(request, project_id, issue_id, Perm.VIEW)
    except DomainError as exc:
        return page_error(request, exc)
    perms = project_perms(request.user, project)
    context = {
        "project": project,
        "issue": issue,
        "can_write": Perm.CONTRIBUTE in perms,
        "can_escalate": Perm.EDIT in perms and issue.status in ("open", "in_progress"),
    }
    return render(request, "risks/issue.html", context)


@login_required
@require_POST
def issue_escalate_page(request: HttpRequest, project_id: str, issue_id: str) -> HttpResponse:
    """Escalate the issue to the sponsor, with the reason."""
    who = actor(request)
    try:
        project, issue = _issue(request, project_id, issue_id, Perm.EDIT)
        issue_escalate(
            who=who,
            issue=issue,
            version=parse_version(request.POST.get("version")),
            reason=request.POST.get("reason", ""),
        )
    except (InvalidInput, Conflict) as exc:
        messages.error(request, _words(exc))
        return redirect(reverse("risks:issues-detail", args=[project_id, issue_id]))
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, f"{issue.key} escalated; the sponsor is told.")
    return redirect(reverse("risks:issues-detail", args=[project.public_id, issue.public_id]))


# -- the organisation's matrix -------------------------------------------------------------------

NUMBER_KEYS = ("probability_bounds", "schedule_bounds", "cost_bounds")
LABEL_KEYS = ("probability_labels", "impact_labels")


def _posted_matrix(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    rules: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in NUMBER_KEYS:
        values = []
        for n in range(LEVELS - 1):
            raw = request.POST.get(f"{key}-{n}", "").strip().replace(",", ".")
            try:
                values.append(float(raw))
            except ValueError:
                errors[key] = "Give a number in every box."
        rules[key] = values
    for key in LABEL_KEYS:
        rules[key] = [request.POST.get(f"{key}-{n}", "") for n in range(LEVELS)]
    for key in ("medium_from", "high_from"):
        raw = request.POST.get(key, "").strip()
        try:
            rules[key] = int(raw)
        except ValueError:
            errors[key] = "Give a whole score."
    return rules, errors


@login_required
@require_http_methods(["GET", "POST"])
def matrix_page(request: HttpRequest) -> HttpResponse:
    """The organisation's probability × impact matrix; administrators and portfolio owners
    change its bands and labels (versioned: a stale form is refused)."""
    who = actor(request)
    errors: dict[str, str] = {}
    message = ""
    status = 200
    try:
        sheet = matrix_services.matrix_sheet(who=who)
        rules = sheet.matrix.rules()
        if request.method == "POST":
            posted, errors = _posted_matrix(request)
            rules = {**rules, **posted}
            if not errors:
                raw = request.POST.get("version", "").strip()
                try:
                    matrix_services.matrix_save(
                        who=who, version=int(raw) if raw.isdigit() else None, rules=posted
                    )
                    return redirect(request.path + "?saved=1")
                except InvalidInput as exc:
                    errors = {k: " ".join(str(m) for m in v) for k, v in exc.errors.items()}
                except Conflict:
                    message = "Someone changed the matrix meanwhile; this is the stored one."
                    sheet = matrix_services.matrix_sheet(who=who)
                    rules = sheet.matrix.rules()
                    status = 409
            status = status if status != 200 else 400
    except DomainError as exc:
        return page_error(request, exc)
    if not message and request.GET.get("saved"):
        message = "Saved. Every project's risks are rated on the new matrix."
    matrix = sheet.matrix
    grid = [
        {
            "label": matrix.probability_labels[p],
            "level": p + 1,
            "cells": [
                {"score": (p + 1) * (i + 1), "rating": matrix.rating((p + 1) * (i + 1))}
                for i in range(LEVELS)
            ],
        }
        for p in reversed(range(LEVELS))
    ]
    names = {
        "probability_bounds": "Probability (0 to 1)",
        "schedule_bounds": "Schedule delay (working days)",
        "cost_bounds": "Cost impact (money)",
        "probability_labels": "Probability levels",
        "impact_labels": "Impact levels",
    }
    context = {
        "sheet": sheet,
        "bounds": [
            {
                "key": k,
                "name": names[k],
                "values": list(enumerate(rules[k])),
                "error": errors.get(k),
            }
            for k in NUMBER_KEYS
        ],
        "labels": [
            {
                "key": k,
                "name": names[k],
                "values": list(enumerate(rules[k])),
                "error": errors.get(k),
            }
            for k in LABEL_KEYS
        ],
        "medium_from": rules["medium_from"],
        "high_from": rules["high_from"],
        "errors": errors,
        "message": message,
        "grid": grid,
        "impact_labels": matrix.impact_labels,
    }
    return render(request, "risks/matrix.html", context, status=status)
