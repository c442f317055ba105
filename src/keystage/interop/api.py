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
from keystage.interop.new_project import (
    check_name_and_code,
    new_project_import,
    require_may_open,
)
from keystage.interop.serializers import (
    ImportPreviewSerializer,
    ImportReportSerializer,
    ImportUploadSerializer,
    NewProjectImportSerializer,
    NewProjectPreviewSerializer,
    NewProjectUploadSerializer,
)
from keystage.portfolio.selectors import project_get
from keystage.portfolio.serializers import ProjectSerializer

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
        name, data = _upload(request)
        fmt = str(request.POST.get("format", "") or "")
        document, file_dates = services.read_upload(name, data, fmt, start=project.start_date)
        dry_run = _dry_run(request)
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


def _upload(request: Request) -> tuple[str, bytes]:
    """The uploaded file's name and bytes; 400 when there is none or it is too large."""
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput({"file": "Attach the plan file as the multipart field 'file'."})
    if upload.size is not None and upload.size > services.MAX_UPLOAD:
        raise InvalidInput(
            {"file": f"The file is larger than the {services.MAX_UPLOAD // 2**20} MB allowed."}
        )
    return str(upload.name or "plan"), upload.read()


def _dry_run(request: Request) -> bool:
    return str(request.query_params.get("dry_run", "")).lower() in ("1", "true", "yes")


class NewProjectImportView(APIView):
    """Open a new project from a plan file."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Import a plan into a new project",
        parameters=[DRY_RUN],
        request={"multipart/form-data": NewProjectUploadSerializer},
        responses={200: NewProjectPreviewSerializer, 201: NewProjectImportSerializer},
    )
    def post(self, request: Request) -> Response:
        """Open a project (name and code from the fields or the file, start from the file,
        the caller as project manager) and write the plan into it, in one transaction
        (whoever may open projects); ``?dry_run=1`` answers the preview (200) instead."""
        who = require_may_open(actor(request))
        project_name = str(request.POST.get("name", "") or "")
        code = str(request.POST.get("code", "") or "")
        check_name_and_code(who=who, name=project_name, code=code)  # before reading the file
        name, data = _upload(request)
        fmt = str(request.POST.get("format", "") or "")
        document, file_dates = services.read_upload(name, data, fmt)
        project, report, preview = new_project_import(
            who=who,
            document=document,
            source=services.source_of(name, data, document),
            name=project_name,
            code=code,
            dry_run=_dry_run(request),
            file_dates=file_dates,
        )
        if project is None:
            answer = preview.as_json()
            answer["project"] = {
                **report.new_project,
                "start_date": preview.start.isoformat(),
                "target_date": max(preview.finish or preview.start, preview.start).isoformat(),
            }
            return Response(answer)
        body = {
            "project": ProjectSerializer(project).data,
            "report": ImportReportSerializer(report).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)
