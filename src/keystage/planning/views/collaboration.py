"""The collaboration page: links to repositories, documents, channels and meetings."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError
from keystage.core.web import page_error
from keystage.planning.forms.collaboration import LinkForm
from keystage.planning.models.collaboration import LinkKind
from keystage.planning.selectors import collaboration as selectors
from keystage.planning.selectors.scope import member_choices
from keystage.planning.services import collaboration as services
from keystage.planning.views.scope import Section, editor, need_version, open_project, values
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project

GROUP_LABELS: dict[str, str] = {
    LinkKind.REPOSITORY: "Repositories",
    LinkKind.DOCUMENT: "Documents",
    LinkKind.CHANNEL: "Channels",
    LinkKind.MEETING: "Meetings",
    LinkKind.OTHER: "Other links",
}


def _changeable(who: Any, links: list[Any], perms: frozenset[str]) -> set[int]:
    """The links ``who`` may edit: all for the project manager, else those they added or own."""
    authors = services.collaboration_link_authors(links)
    return {
        link.pk
        for link in links
        if services.may_change_collaboration_link(who, link, authors[link.pk], perms=perms)
    }


def _section(request: HttpRequest, project: Project) -> Section:
    who = actor(request)

    def context() -> dict[str, Any]:
        links = list(selectors.collaboration_link_list(who=who, project=project))
        perms = project_perms(request.user, project)
        groups = [
            (value, GROUP_LABELS[value], [link for link in links if link.kind == value])
            for value in LinkKind.values
        ]
        return {
            "groups": [g for g in groups if g[2]],
            "link_count": len(links),
            "can_contribute": Perm.CONTRIBUTE in perms,
            "changeable": _changeable(who, links, perms) if Perm.CONTRIBUTE in perms else set(),
        }

    return Section("planning/collaboration/_section.html", "links-section", "links", context)


@login_required
@require_GET
def collaboration_links_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The project's collaboration links, by kind."""
    try:
        project = open_project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    context = {"project": project, **_section(request, project).context()}
    return render(request, "planning/collaboration/page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_link_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add a link (team members may)."""
    try:
        project = open_project(request, project_id, Perm.CONTRIBUTE)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    members = member_choices(who=who, project=project)
    initial: dict[str, Any] = {"kind": request.GET.get("kind") or LinkKind.DOCUMENT}
    if members.filter(pk=who.pk).exists():
        initial["owner"] = who.pk
    form = LinkForm(request.POST or None, initial=initial, members=members)
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.collaboration_link_create(
            who=who, project=project, data=data
        ),
        section=_section(request, project),
        title="New link",
        noun="Link",
        intro="Where the team works together. Web addresses only (http:// or https://).",
    )


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_link_edit(request: HttpRequest, project_id: str, link_id: str) -> HttpResponse:
    """Edit or remove a link."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.CONTRIBUTE)
        link = selectors.collaboration_link_get(who=who, project=project, link_id=link_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = LinkForm(
        request.POST or None,
        initial=values(link, services.LINK_FIELDS),
        members=member_choices(who=who, project=project),
    )
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.collaboration_link_update(
            who=who, link=link, version=need_version(v), changes=data
        ),
        remove=lambda v: services.collaboration_link_delete(
            who=who, link=link, version=need_version(v)
        ),
        section=_section(request, project),
        title=f"Link — {link.title}",
        noun="Link",
    )
