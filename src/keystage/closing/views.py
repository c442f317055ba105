"""Pages of the handover, the training, the review with its lessons, and the lessons search.

Thin: each parses the request, calls one service or selector and renders. The kits'
new/edit pages for checklist items, sessions and lessons come back to these pages.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keystage.accounts.access import users_visible_to
from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.closing.forms import AttendanceForm, HandoverForm, ReviewForm, TrainingPlanForm
from keystage.closing.handover import services as handover
from keystage.closing.models import ClosingFile, FileTopic, HandoverItem, Lesson, TrainingSession
from keystage.closing.review import search
from keystage.closing.review.services import review_of, review_save
from keystage.closing.training import services as training
from keystage.core.errors import DomainError, InvalidInput
from keystage.core.files import file_response
from keystage.core.lookup import get_by_public_id
from keystage.core.versioning import parse_version
from keystage.core.web import add_errors, page_error, record_form_page
from keystage.portfolio.access import is_closed, project_perms, projects_visible_to
from keystage.portfolio.selectors import project_get


def _for_project(form_class: type, project: Any) -> type:
    """``form_class`` bound to ``project`` (its choices), for ``record_form_page``."""

    base: Any = form_class

    def __init__(form: Any, *args: Any, **kwargs: Any) -> None:
        base.__init__(form, *args, project=project, **kwargs)

    return type(form_class.__name__, (form_class,), {"__init__": __init__})


def _initial(record: Any, fields: list[str]) -> dict[str, Any] | None:
    if record is None:
        return None
    return {f: getattr(record, f) for f in fields} | {"version": record.version}


# -- handover --------------------------------------------------------------------------------


@login_required
@require_GET
def handover_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The support handover: details, checklist, files and the support lead's sign-off."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    found = handover.handover_of(project)
    items = list(HandoverItem.objects.filter(project=project))
    perms = project_perms(request.user, project)
    context = {
        "project": project,
        "handover": found,
        "defects": handover.handed_defects(found, project) if found else [],
        "items": items,
        "done": sum(1 for i in items if i.done),
        "files": ClosingFile.objects.filter(project=project, topic=FileTopic.HANDOVER),
        "can_edit": Perm.EDIT in perms and not (found and found.signed),
        "can_contribute": Perm.CONTRIBUTE in perms and not (found and found.signed),
        "can_sign": found is not None
        and not found.signed
        and found.support_lead_id == who.pk
        and not is_closed(project),
    }
    return render(request, "closing/handover.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def handover_edit(request: HttpRequest, project_id: str) -> HttpResponse:
    """Write or edit the handover's details (the project manager, until it is signed)."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id, perm=Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    found = handover.handover_of(project)
    fields = list(HandoverForm.Meta.fields)
    return record_form_page(
        request,
        project,
        form_class=_for_project(HandoverForm, project),
        initial=_initial(found, fields),
        save=lambda data, v: handover.handover_save(who=who, project=project, version=v, data=data),
        title="Support handover — details",
        intro="Who supports the system after the project, how, when, and with which runbooks.",
        back_url=reverse("closing:handover_items", args=[project.public_id]),
    )


@login_required
@require_POST
def handover_sign(request: HttpRequest, project_id: str) -> HttpResponse:
    """The receiving support lead signs the handover off."""
    who = actor(request)
    back = reverse("closing:handover_items", args=[project_id])
    try:
        project = project_get(who=who, project_id=project_id)
        handover.handover_sign(
            who=who,
            project=project,
            version=parse_version(request.POST.get("version")),
            comment=request.POST.get("comment", ""),
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
        return redirect(back)
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, "Handover signed off.")
    return redirect(back)


# -- files -----------------------------------------------------------------------------------


def _back_for(topic: str, project_id: Any) -> str:
    name = "closing:training_sessions" if topic == FileTopic.TRAINING else "closing:handover_items"
    return reverse(name, args=[project_id])


@login_required
@require_POST
def file_upload(request: HttpRequest, project_id: str) -> HttpResponse:
    """Attach a runbook or training material."""
    who = actor(request)
    topic = request.POST.get("topic", "")
    try:
        project = project_get(who=who, project_id=project_id, perm=Perm.CONTRIBUTE)
        raw = request.POST.get("session") or None
        session = (
            get_by_public_id(TrainingSession.objects.filter(project=project), raw) if raw else None
        )
        record = handover.closing_file_add(
            who=who, project=project, upload=request.FILES.get("file"), topic=topic, session=session
        )
    except InvalidInput as exc:
        if topic not in FileTopic.values:
            return page_error(request, exc)
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
        return redirect(_back_for(topic, project_id))
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, f"'{record.original_name}' attached.")
    return redirect(_back_for(topic, project.public_id))


def _closing_file(request: HttpRequest, project_id: str, file_id: str, perm: str) -> ClosingFile:
    project = project_get(who=actor(request), project_id=project_id, perm=perm)
    return get_by_public_id(  # type: ignore[no-any-return]
        ClosingFile.objects.filter(project=project).select_related("project"), file_id
    )


@login_required
@require_GET
def file_download(request: HttpRequest, project_id: str, file_id: str) -> HttpResponseBase:
    """Download a handover or training file."""
    try:
        return file_response(_closing_file(request, project_id, file_id, Perm.VIEW))
    except DomainError as exc:
        return page_error(request, exc)


@login_required
@require_POST
def file_remove(request: HttpRequest, project_id: str, file_id: str) -> HttpResponse:
    """Remove a file (journaled)."""
    try:
        record = _closing_file(request, project_id, file_id, Perm.CONTRIBUTE)
        topic = record.topic
        handover.closing_file_remove(
            who=actor(request), record=record, version=parse_version(request.POST.get("version"))
        )
    except InvalidInput as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms))
        return redirect(reverse("closing:handover_items", args=[project_id]))
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, "File removed.")
    return redirect(_back_for(topic, project_id))


# -- training --------------------------------------------------------------------------------


@login_required
@require_GET
def training_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """Training sessions, attendance and the completion rate."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    sessions = training.sessions_with_attendance(who=who, project=project)
    perms = project_perms(request.user, project)
    context = {
        "project": project,
        "sessions": sessions,
        "plan": training.training_plan_of(project),
        "rate": training.completion(project, sessions),
        "files": ClosingFile.objects.filter(
            project=project, topic=FileTopic.TRAINING
        ).select_related("session"),
        "can_edit": Perm.EDIT in perms,
        "can_contribute": Perm.CONTRIBUTE in perms,
    }
    return render(request, "closing/training.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def training_plan_edit(request: HttpRequest, project_id: str) -> HttpResponse:
    """Set who must be trained."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id, perm=Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    return record_form_page(
        request,
        project,
        form_class=cast(type[forms.Form], TrainingPlanForm),
        initial=_initial(training.training_plan_of(project), ["users_to_train", "trainees"]),
        save=lambda data, v: training.training_plan_save(
            who=who, project=project, version=v, data=data
        ),
        title="Users to train — who",
        intro="A number, or the end users' names one per line (the list then counts).",
        back_url=reverse("closing:training_sessions", args=[project.public_id]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance_page(
    request: HttpRequest, project_id: str, training_session_id: str
) -> HttpResponse:
    """Record who attended one session."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id, perm=Perm.CONTRIBUTE)
        session = get_by_public_id(
            TrainingSession.objects.filter(project=project), training_session_id
        )
    except DomainError as exc:
        return page_error(request, exc)
    rows = list(session.attendance.select_related("person"))
    people = users_visible_to(who).filter(is_active=True).order_by("first_name", "username")
    initial = {
        "people": [r.person for r in rows if r.person is not None],
        "names": "\n".join(r.name for r in rows if r.person is None),
        "version": session.version,
    }
    form = AttendanceForm(request.POST or None, initial=initial, people=people)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                training.attendance_set(
                    who=who,
                    session=session,
                    version=parse_version(form.cleaned_data.get("version")),
                    names=form.cleaned_data["names"].splitlines(),
                    people=[u.username for u in form.cleaned_data["people"]],
                )
            except DomainError as exc:
                add_errors(form, exc)
                status = exc.status_code if exc.status_code in (403, 409, 428) else 400
            else:
                messages.success(request, "Attendance saved.")
                return redirect(reverse("closing:training_sessions", args=[project.public_id]))
        else:
            status = 400
    context = {"project": project, "session": session, "form": form}
    return render(request, "closing/attendance.html", context, status=status)


# -- review and lessons ----------------------------------------------------------------------


@login_required
@require_GET
def review_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The post-project review and the project's lessons learned."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    perms = project_perms(request.user, project)
    context = {
        "project": project,
        "review": review_of(project),
        "lessons": Lesson.objects.filter(project__in=projects_visible_to(who), project=project),
        "can_edit": Perm.EDIT in perms,
        "can_contribute": Perm.CONTRIBUTE in perms,
    }
    return render(request, "closing/review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, project_id: str) -> HttpResponse:
    """Record or edit the review meeting."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id, perm=Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    fields = list(ReviewForm.Meta.fields)
    return record_form_page(
        request,
        project,
        form_class=cast(type[forms.Form], ReviewForm),
        initial=_initial(review_of(project), fields),
        save=lambda data, v: review_save(who=who, project=project, version=v, data=data),
        title="Post-project review — the meeting",
        intro="When it was held, who took part, what went well and what did not.",
        back_url=reverse("closing:lessons", args=[project.public_id]),
    )


@login_required
@require_GET
def lesson_search_page(request: HttpRequest) -> HttpResponse:
    """Lessons learned of every project one may see, searched by words."""
    who = actor(request)
    q = request.GET.get("q", "")
    error = ""
    try:
        found = search.lesson_search(who=who, q=q)
    except InvalidInput as exc:
        found, error = [], " ".join(m for ms in exc.errors.values() for m in ms)
    context = {"q": q[: search.MAX_QUERY], "lessons": found, "error": error}
    return render(request, "closing/lessons.html", context, status=400 if error else 200)
