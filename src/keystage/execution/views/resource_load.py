"""Cross-project resource load, as a page (heat map) and as
``GET /api/v1/portfolio/resource-load/?from=&weeks=``; one selector for both."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.core.errors import DomainError
from keystage.core.web import page_error
from keystage.execution.selectors.resource_load import (
    MAX_WEEKS,
    ResourceLoad,
    load_payload,
    parse_window,
    resource_load,
)
from keystage.portfolio.access import signed_in
from keystage.reporting.svg.portfolio import HeatCell, HeatRow, heat_map


def _load(params: Any, who: Any) -> ResourceLoad:
    start, weeks = parse_window(params.get("from"), params.get("weeks"), timezone.localdate())
    return resource_load(who=who, start=start, weeks=weeks)


def chart(load: ResourceLoad) -> str:
    """The people × weeks heat map."""
    rows = [
        HeatRow(
            id=str(p.person.public_id),
            name=p.person.display_name,
            cells=[HeatCell(float(c.planned), float(c.actual), float(c.capacity)) for c in p.cells],
        )
        for p in load.people
    ]
    return heat_map(rows, load.weeks)


@login_required
@require_GET
def resource_load_page(request: HttpRequest) -> HttpResponse:
    """The heat map and the weeks above capacity, with earlier / later links."""
    try:
        load = _load(request.GET, actor(request))
    except DomainError as exc:
        return page_error(request, exc)
    weeks = len(load.weeks)
    user = signed_in(request.user)
    return render(
        request,
        "execution/resource_load.html",
        {
            "load": load,
            "over": [(p, c) for p in load.people for c in p.over_weeks],
            "chart": chart(load),
            "weeks": weeks,
            "earlier": load.start - dt.timedelta(weeks=weeks),
            "later": load.start + dt.timedelta(weeks=weeks),
            "everyone": bool(user and user.is_portfolio_owner),
            "max_weeks": MAX_WEEKS,
        },
    )


class LoadSplitSerializer(serializers.Serializer[Any]):
    project = serializers.CharField(help_text="Project code (projects you may see only).")
    planned = serializers.DecimalField(max_digits=10, decimal_places=2)
    actual = serializers.DecimalField(max_digits=10, decimal_places=2)


class LoadCellSerializer(serializers.Serializer[Any]):
    week = serializers.DateField(help_text="The week's Monday.")
    planned = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="Assigned hours, spread over working days."
    )
    actual = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="Hours recorded in time entries."
    )
    capacity = serializers.DecimalField(
        max_digits=10, decimal_places=2, help_text="Hours per day × working days × capacity %."
    )
    over = serializers.BooleanField(help_text="Planned or recorded hours above capacity.")
    projects = LoadSplitSerializer(many=True, help_text="Hours by project code.")


class LoadPersonSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField(source="person.public_id")
    username = serializers.CharField(source="person.username")
    name = serializers.CharField(source="person.display_name")
    weekly_capacity = serializers.DecimalField(max_digits=10, decimal_places=2)
    cells = LoadCellSerializer(many=True)


class ResourceLoadSerializer(serializers.Serializer[Any]):
    """People × weeks over the projects the caller may see (documents ``load_payload``)."""

    start = serializers.DateField()
    weeks = serializers.ListField(child=serializers.DateField())
    people = LoadPersonSerializer(many=True)


class ResourceLoadView(APIView):
    """Cross-project resource load."""

    @extend_schema(
        summary="Read the cross-project resource load",
        responses=ResourceLoadSerializer,
        parameters=[
            OpenApiParameter("from", str, description="A day of the first week (YYYY-MM-DD)."),
            OpenApiParameter("weeks", int, description=f"Weeks, 1–{MAX_WEEKS} (default 12)."),
        ],
    )
    def get(self, request: Request) -> Response:
        """Planned and recorded hours per person and week, against capacity."""
        return Response(load_payload(_load(request.query_params, actor(request))))
