"""REST endpoints of the scope (statement, deliverables, in / out items, assumptions and
constraints). Thin."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.api import (
    IF_MATCH,
    optional_version,
    valid_input,
)
from keystage.core.errors import NotFound
from keystage.planning.selectors import scope as selectors
from keystage.planning.serializers import scope as s
from keystage.planning.services import scope as services
from keystage.portfolio.models import Project
from keystage.portfolio.record_api import record_views
from keystage.portfolio.selectors import project_get


class ScopeStatementView(APIView):
    """The scope statement (one per project)."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current statement sent with a 409."""
        return s.ScopeStatementSerializer(current).data if current is not None else None  # type: ignore[no-any-return]

    @extend_schema(summary="Read the scope statement", responses=s.ScopeStatementSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Read it (404 until written)."""
        project = project_get(who=actor(request), project_id=project_id)
        statement = selectors.statement_get(who=actor(request), project=project)
        if statement is None:
            raise NotFound("No scope statement has been written yet.")
        return Response(s.ScopeStatementSerializer(statement).data)

    @extend_schema(
        summary="Write the scope statement",
        request=s.ScopeStatementWriteSerializer,
        responses=s.ScopeStatementSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, project_id: str) -> Response:
        """Write it, or replace it at ``version`` (409 if stale, 428 if missing)."""
        project: Project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        data = valid_input(s.ScopeStatementWriteSerializer, request)
        statement = services.statement_save(
            who=actor(request), project=project, version=optional_version(request), data=data
        )
        return Response(s.ScopeStatementSerializer(statement).data)


DeliverableListView, DeliverableDetailView = record_views(
    noun="deliverable",
    id_kwarg="deliverable_id",
    output=s.DeliverableSerializer,
    write=s.DeliverableWriteSerializer,
    perm=Perm.EDIT,
    list_fn=selectors.deliverable_list,
    get_fn=selectors.deliverable_get,
    create_fn=services.deliverable_create,
    update_fn=services.deliverable_update,
    delete_fn=services.deliverable_delete,
    instance_kwarg="deliverable",
)


def _items(*, who: Any, project: Project, in_scope: str | None = None) -> Any:
    flag = None if in_scope is None else in_scope.lower() in ("1", "true", "yes")
    return selectors.item_list(who=who, project=project, in_scope=flag)


ScopeItemListView, ScopeItemDetailView = record_views(
    noun="scope item",
    id_kwarg="item_id",
    output=s.ScopeItemSerializer,
    write=s.ScopeItemWriteSerializer,
    perm=Perm.EDIT,
    list_fn=_items,
    get_fn=selectors.item_get,
    create_fn=services.item_create,
    update_fn=services.item_update,
    delete_fn=services.item_delete,
    instance_kwarg="item",
    list_params=[
        OpenApiParameter("in_scope", bool, description="Only in-scope (true) or out (false).")
    ],
)

ScopeNoteListView, ScopeNoteDetailView = record_views(
    noun="assumption or constraint",
    plural="assumptions and constraints",
    id_kwarg="scope_note_id",
    output=s.ScopeNoteSerializer,
    write=s.ScopeNoteWriteSerializer,
    perm=Perm.EDIT,
    list_fn=selectors.note_list,
    get_fn=lambda *, who, project, scope_note_id: selectors.note_get(
        who=who, project=project, note_id=scope_note_id
    ),
    create_fn=services.note_create,
    update_fn=services.note_update,
    delete_fn=services.note_delete,
    instance_kwarg="note",
    list_params=[OpenApiParameter("kind", str, enum=["assumption", "constraint"])],
)
