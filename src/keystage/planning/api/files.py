"""REST for files on tasks and deliverables (``planning.services.attachments``): list,
upload (multipart ``file``), read, download (always as an attachment, JSON errors) and
remove at a version. The same services as the task and deliverable pages.

Routes: ``projects/<id>/tasks/<task_id>/files/`` and
``projects/<id>/scope/deliverables/<deliverable_id>/files/``, each with
``<plan_file_id>/`` and ``<plan_file_id>/download/``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.api import DELETE_PARAMS, PassthroughRenderer, expected_version
from keystage.core.files import SERVED_MEDIA_TYPES, file_response
from keystage.core.lookup import get_by_public_id
from keystage.planning.models import Deliverable, PlanFile, Task
from keystage.planning.selectors.scope import deliverable_get
from keystage.planning.selectors.wbs import task_get
from keystage.planning.serializers.files import PlanFileSerializer, PlanFileUploadSerializer
from keystage.planning.services.attachments import files_of, plan_file_create, plan_file_delete
from keystage.portfolio.selectors import project_get


class _Holder:
    """Finds the task or deliverable (of the project, through the chokepoint) from the
    URL's ``task_id`` or ``deliverable_id``, and its files."""

    noun = "record"

    def _record(self, request: Request, project_id: str, ids: dict[str, str], perm: str) -> Any:
        who = actor(request)
        project = project_get(who=who, project_id=project_id, perm=perm)
        if "task_id" in ids:
            return task_get(who=who, project=project, task_id=ids["task_id"])
        return deliverable_get(who=who, project=project, deliverable_id=ids["deliverable_id"])

    def _file(self, request: Request, project_id: str, ids: dict[str, str], perm: str) -> PlanFile:
        record: Task | Deliverable = self._record(request, project_id, ids, perm)
        scoped = files_of(record).select_related("project", "task", "deliverable", "uploaded_by")
        return get_by_public_id(scoped, ids["plan_file_id"])

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The file as stored, sent with a 409."""
        return PlanFileSerializer(current).data if current is not None else None  # type: ignore[return-value]


class PlanFileListView(_Holder, APIView):
    """The files of a task or deliverable."""

    parser_classes = [MultiPartParser]

    @extend_schema(summary="List the files", responses=PlanFileSerializer(many=True))
    def get(self, request: Request, project_id: str, **ids: str) -> Response:
        """The files, oldest first (anyone on the project)."""
        record = self._record(request, project_id, ids, Perm.VIEW)
        files = files_of(record).select_related("project", "task", "deliverable", "uploaded_by")
        return Response(PlanFileSerializer(files.order_by("created_at", "id"), many=True).data)

    @extend_schema(
        summary="Upload a file",
        request={"multipart/form-data": PlanFileUploadSerializer},
        responses={201: PlanFileSerializer},
    )
    def post(self, request: Request, project_id: str, **ids: str) -> Response:
        """Attach a file (multipart field ``file``; contributors; size-limited, hashed)."""
        record = self._record(request, project_id, ids, Perm.CONTRIBUTE)
        made = plan_file_create(who=actor(request), record=record, upload=request.FILES.get("file"))
        return Response(PlanFileSerializer(made).data, status=status.HTTP_201_CREATED)


class PlanFileDetailView(_Holder, APIView):
    """One file's details; remove it at its version."""

    @extend_schema(summary="Read a file's details", responses=PlanFileSerializer)
    def get(self, request: Request, project_id: str, **ids: str) -> Response:
        """Name, served content type, size, checksum and version."""
        return Response(PlanFileSerializer(self._file(request, project_id, ids, Perm.VIEW)).data)

    @extend_schema(summary="Remove a file", responses={204: None}, parameters=DELETE_PARAMS)
    def delete(self, request: Request, project_id: str, **ids: str) -> Response:
        """Remove the file (its uploader or the project manager; journaled)."""
        file = self._file(request, project_id, ids, Perm.CONTRIBUTE)
        plan_file_delete(who=actor(request), file=file, version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanFileDownloadView(_Holder, APIView):
    """The file itself, as a download."""

    renderer_classes = [JSONRenderer, PassthroughRenderer]

    @extend_schema(
        summary="Download a file",
        responses={
            **{(200, media): OpenApiTypes.BINARY for media in SERVED_MEDIA_TYPES},
            404: OpenApiTypes.OBJECT,
        },
    )
    def get(self, request: Request, project_id: str, **ids: str) -> HttpResponseBase:
        """Sent as an attachment with a safe content type (octet-stream unless known)."""
        return file_response(self._file(request, project_id, ids, Perm.VIEW))
