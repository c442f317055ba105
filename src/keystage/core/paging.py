"""Paging of long lists in the API: ``limit`` and ``offset``, bounded, with a ``Link`` header.

The body stays a plain list (what clients of these routes already read); the total is
in ``X-Total-Count`` and the next and previous pages in an RFC 8288 ``Link`` header,
so a client walks every entry by following ``rel="next"`` until there is none.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from keystage.core.errors import InvalidInput
from keystage.core.limits import MAX_OFFSET, MAX_PAGE_SIZE, bounded_int

DEFAULT_PAGE_SIZE = 100

PAGE_PARAMETERS = [
    OpenApiParameter(
        "limit",
        OpenApiTypes.INT,
        description=f"Entries per page, 1–{MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
    ),
    OpenApiParameter(
        "offset",
        OpenApiTypes.INT,
        description=f"Entries to skip, 0–{MAX_OFFSET:,} (default 0). "
        "Follow the Link header's rel=next for the next page.",
    ),
]


def page_bounds(request: Request) -> tuple[int, int]:
    """The requested ``(limit, offset)``, refused as field errors when out of range.

    A parameter given blank (``?limit=``) is refused as well, as any other value that is
    not a whole number: only a missing one takes the default.
    """
    blank = {
        name: "Enter a whole number."
        for name in ("limit", "offset")
        if name in request.query_params and not request.query_params[name].strip()
    }
    if blank:
        raise InvalidInput(blank)
    limit = bounded_int(
        request.query_params.get("limit"),
        field="limit",
        low=1,
        high=MAX_PAGE_SIZE,
        default=DEFAULT_PAGE_SIZE,
    )
    offset = bounded_int(
        request.query_params.get("offset"), field="offset", low=0, high=MAX_OFFSET, default=0
    )
    return limit, offset


def paged_response(request: Request, queryset: QuerySet[Any], serializer_class: type) -> Response:
    """One page of ``queryset`` as a list, with ``X-Total-Count`` and ``Link`` headers."""
    limit, offset = page_bounds(request)
    total = queryset.count()
    rows = list(queryset[offset : offset + limit])
    response = Response(serializer_class(rows, many=True).data)
    response["X-Total-Count"] = str(total)
    url = request.build_absolute_uri()
    links = []
    if offset + limit < total:
        next_url = replace_query_param(url, "offset", offset + limit)
        links.append(f'<{replace_query_param(next_url, "limit", limit)}>; rel="next"')
    if offset > 0:
        previous = max(offset - limit, 0)
        prev_url = (
            remove_query_param(url, "offset")
            if previous == 0
            else replace_query_param(url, "offset", previous)
        )
        links.append(f'<{replace_query_param(prev_url, "limit", limit)}>; rel="prev"')
    if links:
        response["Link"] = ", ".join(links)
    return response


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """DRF's limit/offset paging with the same bounds, for any generic list view.

    DRF clamps nothing by default: ``?limit=10**9`` reads a billion rows and
    ``?offset=2**70`` overflows the database. Out-of-range values are field errors here.
    """

    default_limit = DEFAULT_PAGE_SIZE
    max_limit = MAX_PAGE_SIZE

    def get_limit(self, request: Request) -> int:
        """The page size, 1 … ``MAX_PAGE_SIZE``."""
        return page_bounds(request)[0]

    def get_offset(self, request: Request) -> int:
        """The entries to skip, 0 … ``MAX_OFFSET``."""
        return page_bounds(request)[1]
