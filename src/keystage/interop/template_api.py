"""REST endpoint: open a project from a template — a project the caller may see (JSON
``template``) or a plan TOML file (multipart ``plan``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.core.errors import InvalidInput, NotFound
from keystage.core.lookup import parse_public_id
from keystage.core.parsers import StrictJSONParser
from keystage.interop.from_template import (
    NO_TEMPLATE,
    project_create_from_plan,
    project_create_from_template,
    templates_visible_to,
)
from keystage.interop.services import MAX_UPLOAD
from keystage.portfolio.lifecycle import ProjectKind
from keystage.portfolio.serializers import ProjectSerializer


class FromTemplateSerializer(serializers.Serializer[Any]):
    """What opening a project from a template takes."""

    template = serializers.CharField(
        max_length=40, required=False, help_text="The template project's id (UUID)."
    )
    plan = serializers.FileField(
        required=False,
        help_text="Or a plan TOML file (multipart; docs/plan-format.md) as the template.",
    )
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200)
    start_date = serializers.DateField(help_text="Every date of the template moves with it.")
    kind = serializers.ChoiceField(
        choices=ProjectKind.choices,
        required=False,
        help_text="The kind of project (a plan file only; a project template gives its own).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Exactly one template: a project or a plan file."""
        if ("template" in attrs) == ("plan" in attrs):
            raise serializers.ValidationError(
                {"template": "Give a template project or a plan TOML file (one of the two)."}
            )
        return attrs


class ProjectFromTemplateView(APIView):
    """Open a project with the plan of another one (or of a plan file), dates moved to the
    new start."""

    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        summary="Open a project from a template",
        request={
            "application/json": FromTemplateSerializer,
            "multipart/form-data": FromTemplateSerializer,
        },
        responses={201: ProjectSerializer},
    )
    def post(self, request: Request) -> Response:
        """Copy the template's WBS, links, durations, skill needs and budget lines (a plan
        file: its WBS, links, durations, work, costs and working week)."""
        serializer = FromTemplateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        who = actor(request)
        if "plan" in data:
            upload = data["plan"]
            if upload.size is not None and upload.size > MAX_UPLOAD:
                limit = MAX_UPLOAD // 2**20
                raise InvalidInput({"plan": f"The file is larger than the {limit} MB allowed."})
            project = project_create_from_plan(
                who=who,
                data=upload.read(),
                filename=str(upload.name or "plan.toml"),
                code=data["code"],
                name=data["name"],
                start=data["start_date"],
                kind=data.get("kind", ProjectKind.OTHER),
            )
            return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)
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
