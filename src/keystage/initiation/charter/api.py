"""REST endpoints of the project charter: the latest version, the versions, a new version
(regenerate) and each version's PDF. Thin."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import NotFound
from keystage.initiation.charter import selectors as selectors
from keystage.initiation.charter import services as services
from keystage.initiation.charter.serializers import (
    CharterVersionBriefSerializer,
    CharterVersionSerializer,
)
from keystage.initiation.charter.views import pdf_response
from keystage.portfolio.selectors import project_get


class CharterView(APIView):
    """The current charter: its latest version."""

    @extend_schema(summary="Read the charter", responses=CharterVersionSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """The latest version with its content (404 until one is generated)."""
        project = project_get(who=actor(request), project_id=project_id)
        latest = selectors.charter_latest(who=actor(request), project=project)
        if latest is None:
            raise NotFound("No charter has been generated yet.")
        return Response(CharterVersionSerializer(latest).data)


class CharterVersionListView(APIView):
    """The charter's versions; POST generates the next one."""

    @extend_schema(
        summary="List the charter versions", responses=CharterVersionBriefSerializer(many=True)
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Every version, newest first."""
        project = project_get(who=actor(request), project_id=project_id)
        versions = selectors.charter_versions(who=actor(request), project=project)
        return Response(CharterVersionBriefSerializer(versions, many=True).data)

    @extend_schema(
        summary="Regenerate the charter", request=None, responses={201: CharterVersionSerializer}
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Regenerate: a new version from the project's current data (earlier ones stay)."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        version = services.charter_regenerate(who=actor(request), project=project)
        return Response(CharterVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class CharterVersionDetailView(APIView):
    """One version with its content."""

    @extend_schema(summary="Read a charter version", responses=CharterVersionSerializer)
    def get(self, request: Request, project_id: str, number: int) -> Response:
        """Read it."""
        project = project_get(who=actor(request), project_id=project_id)
        version = selectors.charter_version_get(who=actor(request), project=project, number=number)
        if version is None:
            raise NotFound("No such charter version.")
        return Response(CharterVersionSerializer(version).data)


class CharterVersionPdfView(APIView):
    """The PDF of one version."""

    @extend_schema(
        summary="Download the charter PDF",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The charter as an A4 PDF."
            )
        },
    )
    def get(self, request: Request, project_id: str, number: int) -> HttpResponse:
        """Download it."""
        project = project_get(who=actor(request), project_id=project_id)
        version = selectors.charter_version_get(who=actor(request), project=project, number=number)
        if version is None:
            raise NotFound("No such charter version.")
        return pdf_response(version)
