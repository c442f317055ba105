"""REST endpoints of the scope (statement, deliverables, in / out items, assumptions and
constraints), and the list / detail view factory the planning records share. Thin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.api import (
    DELETE_PARAMS,
    IF_MATCH,
    expected_version,
    optional_version,
    valid_input,
)
from keystage.core.errors import NotFound
from keystage.planning.selectors import scope as selectors
from keystage.planning.serializers import scope as s
from keystage.planning.services import scope as services
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get


def record_views(
    *,
    noun: str,
    id_kwarg: str,
    output: type,
    write: type,
    perm: str,
    list_fn: Callable[..., Any],
    get_fn: Callable[..., Any],
    create_fn: Callable[..., Any],
    update_fn: Callable[..., Any],
    delete_fn: Callable[..., Any],
    instance_kwarg: str,
    list_params: list[OpenApiParameter] | None = None,
) -> tuple[type[APIView], type[APIView]]:
    """A list/create view and a read/edit/remove view of one kind of project record.

    ``list_fn(who=, project=, **query)`` and ``get_fn(who=, project=, <id_kwarg>=)`` read
    through the chokepoint; ``create_fn(who=, project=, data=)``,
    ``update_fn(who=, <instance_kwarg>=, version=, changes=)`` and
    ``delete_fn(who=, <instance_kwarg>=, version=)`` are the services.
    """
    params = list_params or []

    @extend_schema_view(
        get=extend_schema(
            summary=f"List the {noun}s", responses=output(many=True), parameters=params
        ),
        post=extend_schema(summary=f"Add a {noun}", request=write, responses={201: output}),
    )
    class ListView(APIView):
        def get(self, request: Request, project_id: str) -> Response:
            project = project_get(who=actor(request), project_id=project_id)
            query = {p.name: request.query_params.get(p.name) or None for p in params}
            rows = list_fn(who=actor(request), project=project, **query)
            return Response(output(rows, many=True).data)

        def post(self, request: Request, project_id: str) -> Response:
            project = project_get(who=actor(request), project_id=project_id, perm=perm)
            data = valid_input(write, request)
            record = create_fn(who=actor(request), project=project, data=data)
            return Response(output(record).data, status=status.HTTP_201_CREATED)

    @extend_schema_view(
        get=extend_schema(summary=f"Read a {noun}", responses=output),
        patch=extend_schema(
            summary=f"Edit a {noun} at its version",
            request=write,
            responses=output,
            parameters=[IF_MATCH],
        ),
        delete=extend_schema(
            summary=f"Remove a {noun}", responses={204: None}, parameters=DELETE_PARAMS
        ),
    )
    class DetailView(APIView):
        def conflict_payload(self, current: Any) -> dict[str, Any] | None:
            """The current record sent with a 409."""
            return output(current).data if current is not None else None  # type: ignore[no-any-return]

        def _record(self, request: Request, project_id: str, record_id: str, need: str) -> Any:
            project = project_get(who=actor(request), project_id=project_id, perm=need)
            return get_fn(who=actor(request), project=project, **{id_kwarg: record_id})

        def get(self, request: Request, project_id: str, **kwargs: str) -> Response:
            record = self._record(request, project_id, kwargs[id_kwarg], Perm.VIEW)
            return Response(output(record).data)

        def patch(self, request: Request, project_id: str, **kwargs: str) -> Response:
            record = self._record(request, project_id, kwargs[id_kwarg], perm)
            data = valid_input(write, request, partial=True)
            record = update_fn(
                who=actor(request),
                version=expected_version(request),
                changes=data,
                **{instance_kwarg: record},
            )
            return Response(output(record).data)

        def delete(self, request: Request, project_id: str, **kwargs: str) -> Response:
            record = self._record(request, project_id, kwargs[id_kwarg], perm)
            delete_fn(
                who=actor(request), version=expected_version(request), **{instance_kwarg: record}
            )
            return Response(status=status.HTTP_204_NO_CONTENT)

    name = "".join(part.title() for part in noun.split())
    ListView.__name__ = ListView.__qualname__ = f"{name}ListView"
    DetailView.__name__ = DetailView.__qualname__ = f"{name}DetailView"
    ListView.__doc__ = f"The project's {noun}s."
    DetailView.__doc__ = f"One {noun} of the project."
    return ListView, DetailView


class ScopeStatementView(APIView):
    """The scope statement (one per project)."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current statement sent with a 409."""
        return s.ScopeStatementSerializer(current).data if current is not None else None  # type: ignore[no-any-return]

    @extend_schema(responses=s.ScopeStatementSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Read it (404 until written)."""
        project = project_get(who=actor(request), project_id=project_id)
        statement = selectors.statement_get(who=actor(request), project=project)
        if statement is None:
            raise NotFound("No scope statement has been written yet.")
        return Response(s.ScopeStatementSerializer(statement).data)

    @extend_schema(
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
