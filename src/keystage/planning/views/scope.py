"""Scope pages (statement, deliverables, in / out items, assumptions and constraints), and the
htmx editor the goals and collaboration pages share. Thin: parse, call one service, render.

Every list works without JavaScript (links to a form page, POST, redirect back). With htmx
the form opens in the section's editor slot; a save swaps the refreshed section in, and a
form with errors (400), a conflict (409) or a lost version (428) is swapped back in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core import submissions
from keystage.core.errors import Conflict, DomainError, InvalidInput
from keystage.core.versioning import parse_version
from keystage.core.web import add_errors, page_error, save_form
from keystage.planning.forms.scope import (
    DeliverableForm,
    ScopeItemForm,
    ScopeNoteForm,
    StatementForm,
)
from keystage.planning.models.scope import ScopeNoteKind
from keystage.planning.selectors import scope as selectors
from keystage.planning.services import scope as services
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get

EDITOR = "planning/scope/_editor.html"
EDITOR_PAGE = "planning/scope/editor_page.html"


@dataclass(frozen=True)
class Section:
    """A part of a page that an editor refreshes after a save."""

    template: str
    element_id: str
    page: str  # URL name of the page that holds it
    context: Callable[[], dict[str, Any]]


def htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (and wants a fragment)."""
    return bool(getattr(request, "htmx", False))


def open_project(request: HttpRequest, project_id: Any, perm: str = Perm.VIEW) -> Project:
    """The project through the chokepoint (404 / 403 as domain errors)."""
    return project_get(who=actor(request), project_id=project_id, perm=perm)


def need_version(version: int | None) -> int:
    """The version an edit is based on (428 when the form lost it)."""
    return parse_version(version)


def values(instance: Any, fields: tuple[str, ...]) -> dict[str, Any] | None:
    """A record's values as a form's initial data, with its version."""
    if instance is None:
        return None
    return {**{f: getattr(instance, f) for f in fields}, "version": instance.version}


def render_section(
    request: HttpRequest, project: Project, section: Section, flash: str = ""
) -> HttpResponse:
    """The refreshed section, swapped over the old one wherever the request came from."""
    context = {"project": project, "flash": flash, **section.context()}
    response = render(request, section.template, context)
    response["HX-Retarget"] = f"#{section.element_id}"
    response["HX-Reswap"] = "outerHTML"
    return response


def editor(
    request: HttpRequest,
    project: Project,
    *,
    form: forms.Form,
    save: Callable[[dict[str, Any], int | None], Any],
    section: Section,
    title: str,
    noun: str,
    remove: Callable[[int | None], Any] | None = None,
    intro: str = "",
    page_template: str = EDITOR_PAGE,
) -> HttpResponse:
    """Show a record's form; on POST call one service and go back to (or swap) the section.

    ``page_template`` frames the form as a whole page when JavaScript is off.
    """
    page_url = reverse(f"planning:{section.page}", args=[project.public_id])
    context: dict[str, Any] = {
        "project": project,
        "form": form,
        "title": title,
        "intro": intro,
        "can_remove": remove is not None,
        "section": section,
        "page_url": page_url,
        "action": request.path,
        # A page of its own (not swapped into a section) posts natively and redirects back.
        "standalone": not htmx(request),
        "submit_key": submissions.form_key(request),
    }
    status = 200
    if request.method == "POST":
        submission = submissions.Submission(request)
        first = submission.repeat_of()
        if first is not None:
            return _done(request, project, section, page_url, first or f"{noun} saved.")
        try:
            if remove is not None and request.POST.get("action") == "remove":
                raw = request.POST.get("version") or None
                remove(int(raw) if raw and raw.isdigit() else None)
                flash = f"{noun} removed."
            else:
                save_form(form, save)
                flash = f"{noun} saved."
            submission.done(flash)
            return _done(request, project, section, page_url, flash)
        except Conflict as exc:
            context.update({"conflict": exc.message, "current": exc.current})
            status = 409
        except DomainError as exc:
            if exc.status_code == 403:
                return page_error(request, exc)
            if not isinstance(exc, InvalidInput) or not form.errors:
                add_errors(form, exc)
            status = exc.status_code if exc.status_code == 428 else 400
        submission.failed()
    return render(request, EDITOR if htmx(request) else page_template, context, status=status)


def _done(
    request: HttpRequest, project: Project, section: Section, page_url: str, flash: str
) -> HttpResponse:
    if htmx(request):
        return render_section(request, project, section, flash)
    messages.success(request, flash)
    return redirect(f"{page_url}#{section.element_id}")


# --------------------------------------------------------------------- pages


def _perms(request: HttpRequest, project: Project) -> dict[str, bool]:
    perms = project_perms(request.user, project)
    return {"can_edit": Perm.EDIT in perms, "can_contribute": Perm.CONTRIBUTE in perms}


def _statement_section(request: HttpRequest, project: Project) -> Section:
    who = actor(request)
    return Section(
        "planning/scope/_statement.html",
        "statement-section",
        "scope",
        lambda: {
            "statement": selectors.statement_get(who=who, project=project),
            **_perms(request, project),
        },
    )


def _deliverables_section(request: HttpRequest, project: Project) -> Section:
    who = actor(request)
    return Section(
        "planning/scope/_deliverables.html",
        "deliverables-section",
        "scope",
        lambda: {
            "deliverables": list(selectors.deliverable_list(who=who, project=project)),
            **_perms(request, project),
        },
    )


def _items_section(request: HttpRequest, project: Project) -> Section:
    who = actor(request)

    def context() -> dict[str, Any]:
        items = list(selectors.item_list(who=who, project=project))
        return {
            "in_items": [i for i in items if i.in_scope],
            "out_items": [i for i in items if not i.in_scope],
            **_perms(request, project),
        }

    return Section("planning/scope/_items.html", "items-section", "scope", context)


def _notes_section(request: HttpRequest, project: Project) -> Section:
    who = actor(request)

    def context() -> dict[str, Any]:
        notes = list(selectors.note_list(who=who, project=project))
        return {
            "assumptions": [n for n in notes if n.kind == ScopeNoteKind.ASSUMPTION],
            "constraints": [n for n in notes if n.kind == ScopeNoteKind.CONSTRAINT],
            **_perms(request, project),
        }

    return Section("planning/scope/_notes.html", "notes-section", "scope", context)


@login_required
@require_GET
def scope_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The scope: statement, deliverables, in / out of scope, assumptions and constraints."""
    try:
        project = open_project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    context: dict[str, Any] = {"project": project, **_perms(request, project)}
    for section in (
        _statement_section(request, project),
        _deliverables_section(request, project),
        _items_section(request, project),
        _notes_section(request, project),
    ):
        context.update(section.context())
    return render(request, "planning/scope/page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def statement_edit(request: HttpRequest, project_id: str) -> HttpResponse:
    """Write or edit the scope statement."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    current = selectors.statement_get(who=who, project=project)
    form = StatementForm(request.POST or None, initial=values(current, services.STATEMENT_FIELDS))
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.statement_save(
            who=who, project=project, version=v, data=data
        ),
        section=_statement_section(request, project),
        title="Scope statement",
        noun="Scope statement",
        intro="What the project delivers and where its boundaries lie.",
    )


def _members(request: HttpRequest, project: Project) -> Any:
    return selectors.member_choices(who=actor(request), project=project)


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add a deliverable."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    form = DeliverableForm(
        request.POST or None, initial={"status": "planned"}, members=_members(request, project)
    )
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.deliverable_create(who=who, project=project, data=data),
        section=_deliverables_section(request, project),
        title="New deliverable",
        noun="Deliverable",
        intro="Say how the sponsor will judge that it is done.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_edit(request: HttpRequest, project_id: str, deliverable_id: str) -> HttpResponse:
    """Edit or remove a deliverable."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
        record = selectors.deliverable_get(who=who, project=project, deliverable_id=deliverable_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = DeliverableForm(
        request.POST or None,
        initial=values(record, services.DELIVERABLE_FIELDS),
        members=_members(request, project),
    )
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.deliverable_update(
            who=who, deliverable=record, version=need_version(v), changes=data
        ),
        remove=lambda v: services.deliverable_delete(
            who=who, deliverable=record, version=need_version(v)
        ),
        section=_deliverables_section(request, project),
        title=f"Deliverable — {record.name}",
        noun="Deliverable",
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add an in-scope or out-of-scope item (``?in_scope=0`` starts an out-of-scope one)."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    inside = request.GET.get("in_scope", "1") != "0"
    form = ScopeItemForm(request.POST or None, initial={"in_scope": inside})
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.item_create(who=who, project=project, data=data),
        section=_items_section(request, project),
        title="New in-scope item" if inside else "New out-of-scope item",
        noun="Scope item",
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, project_id: str, item_id: str) -> HttpResponse:
    """Edit or remove a scope item."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
        record = selectors.item_get(who=who, project=project, item_id=item_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = ScopeItemForm(request.POST or None, initial=values(record, services.ITEM_FIELDS))
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.item_update(
            who=who, item=record, version=need_version(v), changes=data
        ),
        remove=lambda v: services.item_delete(who=who, item=record, version=need_version(v)),
        section=_items_section(request, project),
        title="Scope item",
        noun="Scope item",
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add an assumption or a constraint (``?kind=constraint`` preselects the kind)."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    kind = request.GET.get("kind", ScopeNoteKind.ASSUMPTION)
    kind = kind if kind in ScopeNoteKind.values else ScopeNoteKind.ASSUMPTION
    form = ScopeNoteForm(request.POST or None, initial={"kind": kind})
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.note_create(who=who, project=project, data=data),
        section=_notes_section(request, project),
        title=f"New {ScopeNoteKind(kind).label.lower()}",
        noun=ScopeNoteKind(kind).label,
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, project_id: str, scope_note_id: str) -> HttpResponse:
    """Edit or remove an assumption or constraint."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
        record = selectors.note_get(who=who, project=project, note_id=scope_note_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = ScopeNoteForm(request.POST or None, initial=values(record, services.NOTE_FIELDS))
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.note_update(
            who=who, note=record, version=need_version(v), changes=data
        ),
        remove=lambda v: services.note_delete(who=who, note=record, version=need_version(v)),
        section=_notes_section(request, project),
        title=record.get_kind_display(),
        noun=record.get_kind_display(),
    )
