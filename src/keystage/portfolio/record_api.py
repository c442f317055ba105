"""The list / detail REST views every kind of project-owned record shares.

A factory rather than base classes: each record kind names its serializers,
its chokepoint reads and its services, and gets two DRF views whose OpenAPI
operations are documented (summaries, If-Match, delete parameters). Reads
need view access to the project; writes the permission the record asks for.
"""

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
from keystage.core.api import DELETE_PARAMS, IF_MATCH, expected_version, valid_input
from keystage.portfolio.selectors import project_get

_SAID_WITH_A = ("eu", "one", "uni", "use", "usu")  # a consonant sound despite the vowel
_SAID_WITH_AN = ("hour", "honest", "honour")  # a vowel sound despite the consonant


def with_article(noun: str) -> str:
    """``noun`` after "a" or "an", by how it sounds: "an equipment item", "a user"."""
    word = noun.lower()
    vowel = word[:1] in "aeiou" and not word.startswith(_SAID_WITH_A)
    return f"{'an' if vowel or word.startswith(_SAID_WITH_AN) else 'a'} {noun}"


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
    lookup_kwarg: str | None = None,
    plural: str | None = None,
) -> tuple[type[APIView], type[APIView]]:
    """A list/create view and a read/edit/remove view of one kind of project record.

    ``list_fn(who=, project=, **query)`` and ``get_fn(who=, project=, <id_kwarg>=)`` read
    through the chokepoint; ``create_fn(who=, project=, data=)``,
    ``update_fn(who=, <instance_kwarg>=, version=, changes=)`` and
    ``delete_fn(who=, <instance_kwarg>=, version=)`` are the services. ``id_kwarg``
    names the URL's record id; ``lookup_kwarg`` (default: the same) is the name
    ``get_fn`` takes it under. ``noun`` is lower case, as it reads mid-sentence in the
    summaries; ``plural`` defaults to ``noun`` + "s".
    """
    params = list_params or []
    nouns = plural or f"{noun}s"
    one = with_article(noun)
    lookup = lookup_kwarg or id_kwarg

    @extend_schema_view(
        get=extend_schema(
            summary=f"List the {nouns}", responses=output(many=True), parameters=params
        ),
        post=extend_schema(summary=f"Add {one}", request=write, responses={201: output}),
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
        get=extend_schema(summary=f"Read {one}", responses=output),
        patch=extend_schema(
            summary=f"Edit {one} at its version",
            request=write,
            responses=output,
            parameters=[IF_MATCH],
        ),
        delete=extend_schema(
            summary=f"Remove {one}", responses={204: None}, parameters=DELETE_PARAMS
        ),
    )
    class DetailView(APIView):
        def conflict_payload(self, current: Any) -> dict[str, Any] | None:
            """The current record sent with a 409."""
            return output(current).data if current is not None else None  # type: ignore[no-any-return]

        def _record(self, request: Request, project_id: str, record_id: str, need: str) -> Any:
            project = project_get(who=actor(request), project_id=project_id, perm=need)
            return get_fn(who=actor(request), project=project, **{lookup: record_id})

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
    ListView.__doc__ = f"The project's {nouns}."
    DetailView.__doc__ = f"One {noun} of the project."
    return ListView, DetailView
