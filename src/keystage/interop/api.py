"""REST for plan imports: ``POST projects/<id>/imports/`` (multipart ``file``; with
``?dry_run=1`` only the preview JSON, nothing written) and ``GET`` the completed imports.
The same services as the Import page and ``keystage import``."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import InvalidInput
from keystage.interop import services
from keystage.interop.serializers import (
    ImportPreviewSerializer,
    ImportReportSerializer,
    ImportUploadSerializer,
)
from keystage.portfolio.selectors import project_get

DRY_RUN = OpenApiParameter(
    "dry_run", OpenApiTypes.BOOL, description="1: return the preview, write nothing."
)


class ImportListView(APIView):
    """The project's plan imports; import a plan file."""

    parser_classes = [MultiPartParser]

    @extend_schema(summary="List the plan imports", responses=ImportReportSerializer(many=True))
    def get(self, request: Request, project_id: str) -> Response:
        """Completed imports, newest first (anyone on the project)."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id)
        reports = services.import_reports(who=who, project=project)
        return Response(ImportReportSerializer(reports, many=True).data)

    @extend_schema(
        summary="Import a plan file",
        parameters=[DRY_RUN],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={200: ImportPreviewSerializer, 201: ImportReportSerializer},
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Read the file and write its plan into the empty project, in one transaction
        (project managers); ``?dry_run=1`` answers the preview (200) instead."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id, perm=Perm.EDIT)
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput({"file": "Attach the plan file as the multipart field 'file'."})
        if upload.size is not None and upload.size > services.MAX_UPLOAD:
            raise InvalidInput(
                {"file": f"The file is larger than the {services.MAX_UPLOAD // 2**20} MB allowed."}
            )
        data = upload.read()
        name = str(upload.name or "plan")
        fmt = str(request.POST.get("format", "") or "")
        document, file_dates = services.read_upload(name, data, fmt, start=project.start_date)
        dry_run = str(request.query_params.get("dry_run", "")).lower() in ("1", "true", "yes")
        report, preview = services.plan_import(
            who=who,
            project=project,
            document=document,
            source=services.source_of(name, data, document),
            dry_run=dry_run,
            file_dates=file_dates,
        )
        if dry_run:
            return Response(preview.as_json())
        return Response(ImportReportSerializer(report).data, status=status.HTTP_201_CREATED)
