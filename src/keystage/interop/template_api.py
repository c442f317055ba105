"""REST endpoint: open a project from a template (a project the caller may see)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.core.errors import InvalidInput, NotFound
from keystage.core.lookup import parse_public_id
from keystage.interop.from_template import (
    NO_TEMPLATE,
    project_create_from_template,
    templates_visible_to,
)
from keystage.portfolio.serializers import ProjectSerializer


class FromTemplateSerializer(serializers.Serializer[Any]):
    """What opening a project from a template takes."""

    template = serializers.CharField(max_length=40, help_text="The template project's id (UUID).")
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200)
    start_date = serializers.DateField(help_text="Every date of the template moves with it.")


class ProjectFromTemplateView(APIView):
    """Open a project with the plan of another one, dates moved to the new start."""

    @extend_schema(
        summary="Open a project from a template",
        request=FromTemplateSerializer,
        responses={201: ProjectSerializer},
    )
    def post(self, request: Request) -> Response:
        """Copy the template's WBS, links, durations, skill needs and budget lines."""
        serializer = FromTemplateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        who = actor(request)
        try:
            public_id = parse_public_id(data["template"])
        except NotFound:
            raise InvalidInput({"template": NO_TEMPLATE}) from None
        source = templates_visible_to(who).filter(public_id=public_id).first()
        if source is None:
            raise InvalidInput({"template": NO_TEMPLATE})
        project = project_create_from_template(
            who=who,
            source=source,
            code=data["code"],
            name=data["name"],
            start=data["start_date"],
        )
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)
