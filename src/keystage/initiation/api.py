"""REST endpoints of the initiation stage under /api/v1/projects/<id>/initiation/. Thin."""

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
from keystage.core.api import (
    DELETE_PARAMS,
    IF_MATCH,
    PassthroughRenderer,
    expected_version,
    optional_version,
    valid_input,
)
from keystage.core.errors import NotFound
from keystage.initiation import attachments, engine, selectors, services
from keystage.initiation import serializers as s
from keystage.initiation.downloads import file_response
from keystage.portfolio.gate_checks import gate_checklist
from keystage.portfolio.lifecycle import Stage
from keystage.portfolio.record_api import record_views
from keystage.portfolio.selectors import project_get


class _Conflicts:
    output: type = s.ProposalSerializer

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current record sent with a 409."""
        return self.output(current).data if current is not None else None  # type: ignore[no-any-return]


class InitiationSummaryView(APIView):
    """The go/no-go checklist of the project's Initiation gate."""

    @extend_schema(
        summary="Read the Initiation gate checklist", responses=s.InitiationSummarySerializer
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Checklist items, done or missing."""
        project = project_get(who=actor(request), project_id=project_id)
        items = gate_checklist(project) if project.stage == Stage.INITIATION else []
        body = {
            "stage": project.stage,
            "ready_for_go": all(i.done for i in items),
            "checklist": [_item(i) for i in items],
        }
        return Response(s.InitiationSummarySerializer(body).data)


def _item(item: Any) -> dict[str, Any]:
    return {"key": item.key, "label": item.label, "done": item.done, "detail": item.detail}


class ProposalView(_Conflicts, APIView):
    """The project proposal (one per project)."""

    output = s.ProposalSerializer

    @extend_schema(summary="Read the proposal", responses=s.ProposalSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Read it (404 until written)."""
        project = project_get(who=actor(request), project_id=project_id)
        proposal = selectors.proposal_get(who=actor(request), project=project)
        if proposal is None:
            raise NotFound("No proposal has been written yet.")
        return Response(s.ProposalSerializer(proposal).data)

    @extend_schema(
        summary="Write the proposal",
        request=s.ProposalWriteSerializer,
        responses=s.ProposalSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, project_id: str) -> Response:
        """Write it, or replace it at ``version`` (409 if stale, 428 if missing)."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        data = valid_input(s.ProposalWriteSerializer, request)
        proposal = services.proposal_save(
            who=actor(request), project=project, version=optional_version(request), data=data
        )
        return Response(s.ProposalSerializer(proposal).data)


def _case_response(request: Request, project: Any) -> Response:
    case, lines, figures = selectors.business_case_figures(who=actor(request), project=project)
    if case is None:
        raise NotFound("No business case has been set up yet.")
    context = {"lines": lines, "figures": engine.figures_payload(figures) if figures else None}
    return Response(s.BusinessCaseSerializer(case, context=context).data)


class BusinessCaseView(_Conflicts, APIView):
    """The business case: settings, lines, NPV/IRR/payback/ROI and the Monte Carlo NPV."""

    output = s.BusinessCaseSerializer

    @extend_schema(
        summary="Read the business case and its figures", responses=s.BusinessCaseSerializer
    )
    def get(self, request: Request, project_id: str) -> Response:
        """The case with its computed figures."""
        project = project_get(who=actor(request), project_id=project_id)
        return _case_response(request, project)

    @extend_schema(
        summary="Set the business case's rate and horizon",
        request=s.BusinessCaseWriteSerializer,
        responses=s.BusinessCaseSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, project_id: str) -> Response:
        """Set the discount rate and horizon (``version`` once the case exists)."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        data = valid_input(s.BusinessCaseWriteSerializer, request)
        services.business_case_save(
            who=actor(request), project=project, version=optional_version(request), data=data
        )
        return _case_response(request, project)


LineListCreateView, LineDetailView = record_views(
    noun="cash-flow line",
    id_kwarg="line_id",
    output=s.CashFlowLineSerializer,
    write=s.CashFlowLineWriteSerializer,
    perm=Perm.EDIT,
    list_fn=selectors.line_list,
    get_fn=selectors.line_get,
    create_fn=services.line_create,
    update_fn=services.line_update,
    delete_fn=services.line_delete,
    instance_kwarg="line",
)

NoteListCreateView, NoteDetailView = record_views(
    noun="research note",
    id_kwarg="note_id",
    output=s.ResearchNoteSerializer,
    write=s.ResearchNoteWriteSerializer,
    perm=Perm.CONTRIBUTE,
    list_fn=selectors.note_list,
    get_fn=selectors.note_get,
    create_fn=services.note_create,
    update_fn=services.note_update,
    delete_fn=services.note_delete,
    instance_kwarg="note",
)


class FeasibilityView(_Conflicts, APIView):
    """The feasibility study (one per project)."""

    output = s.FeasibilityStudySerializer

    @extend_schema(summary="Read the feasibility study", responses=s.FeasibilityStudySerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Read it (404 until written)."""
        project = project_get(who=actor(request), project_id=project_id)
        study = selectors.feasibility_get(who=actor(request), project=project)
        if study is None:
            raise NotFound("No feasibility study has been written yet.")
        return Response(s.FeasibilityStudySerializer(study).data)

    @extend_schema(
        summary="Write the feasibility study",
        request=s.FeasibilityWriteSerializer,
        responses=s.FeasibilityStudySerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, project_id: str) -> Response:
        """Write it, or replace it at ``version``."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        data = valid_input(s.FeasibilityWriteSerializer, request)
        study = services.feasibility_save(
            who=actor(request), project=project, version=optional_version(request), data=data
        )
        return Response(s.FeasibilityStudySerializer(study).data)


StakeholderListCreateView, StakeholderDetailView = record_views(
    noun="stakeholder",
    id_kwarg="stakeholder_id",
    output=s.StakeholderSerializer,
    write=s.StakeholderWriteSerializer,
    perm=Perm.EDIT,
    list_fn=selectors.stakeholder_list,
    get_fn=selectors.stakeholder_get,
    create_fn=services.stakeholder_create,
    update_fn=services.stakeholder_update,
    delete_fn=services.stakeholder_delete,
    instance_kwarg="stakeholder",
)


class StakeholderSignOffView(_Conflicts, APIView):
    """The due-diligence sign-off of one stakeholder."""

    output = s.StakeholderSerializer

    @extend_schema(
        summary="Sign off a stakeholder's due diligence",
        request=s.SignOffSerializer,
        responses=s.StakeholderSerializer,
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, project_id: str, stakeholder_id: str) -> Response:
        """Sign off, as the caller (project manager or sponsor), at the entry's ``version``."""
        project = project_get(who=actor(request), project_id=project_id)
        person = selectors.stakeholder_get(
            who=actor(request), project=project, stakeholder_id=stakeholder_id
        )
        data = valid_input(s.SignOffSerializer, request)
        person = services.stakeholder_sign_off(
            who=actor(request),
            stakeholder=person,
            version=expected_version(request),
            comment=data.get("comment", ""),
            date=data.get("date"),
        )
        return Response(s.StakeholderSerializer(person).data)


# ---------------------------------------------------------------- attachments


class AttachmentListCreateView(APIView):
    """Files attached to a research note."""

    parser_classes = [MultiPartParser]

    def _note(self, request: Request, project_id: str, note_id: str, perm: str) -> Any:
        project = project_get(who=actor(request), project_id=project_id, perm=perm)
        return selectors.note_get(who=actor(request), project=project, note_id=note_id)

    @extend_schema(summary="List a note's attachments", responses=s.AttachmentSerializer(many=True))
    def get(self, request: Request, project_id: str, note_id: str) -> Response:
        """The note's files, oldest first."""
        note = self._note(request, project_id, note_id, Perm.VIEW)
        files = selectors.attachment_list(who=actor(request), note=note)
        return Response(s.AttachmentSerializer(files, many=True).data)

    @extend_schema(
        summary="Upload an attachment",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer},
    )
    def post(self, request: Request, project_id: str, note_id: str) -> Response:
        """Upload a file (multipart field ``file``; at most 20 MB by default)."""
        note = self._note(request, project_id, note_id, Perm.CONTRIBUTE)
        upload = request.FILES.get("file")
        attachment = attachments.attachment_create(who=actor(request), note=note, upload=upload)
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class _AttachmentLookup:
    def _file(
        self, request: Request, project_id: str, note_id: str, attachment_id: str, perm: str
    ) -> Any:
        project = project_get(who=actor(request), project_id=project_id, perm=perm)
        note = selectors.note_get(who=actor(request), project=project, note_id=note_id)
        return selectors.attachment_get(who=actor(request), note=note, attachment_id=attachment_id)


class AttachmentDetailView(_AttachmentLookup, _Conflicts, APIView):
    """One attached file's details."""

    output = s.AttachmentSerializer

    @extend_schema(summary="Read an attachment", responses=s.AttachmentSerializer)
    def get(self, request: Request, project_id: str, note_id: str, attachment_id: str) -> Response:
        """Name, served content type, size and checksum."""
        item = self._file(request, project_id, note_id, attachment_id, Perm.VIEW)
        return Response(s.AttachmentSerializer(item).data)

    @extend_schema(summary="Remove an attachment", responses={204: None}, parameters=DELETE_PARAMS)
    def delete(
        self, request: Request, project_id: str, note_id: str, attachment_id: str
    ) -> Response:
        """Remove the file (journaled)."""
        item = self._file(request, project_id, note_id, attachment_id, Perm.CONTRIBUTE)
        attachments.attachment_delete(
            who=actor(request), attachment=item, version=expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentDownloadView(_AttachmentLookup, APIView):
    """The file itself, as a download."""

    renderer_classes = [JSONRenderer, PassthroughRenderer]

    @extend_schema(
        summary="Download an attachment",
        responses={
            **{(200, media): OpenApiTypes.BINARY for media in attachments.SERVED_MEDIA_TYPES},
            404: OpenApiTypes.OBJECT,
        },
    )
    def get(
        self, request: Request, project_id: str, note_id: str, attachment_id: str
    ) -> HttpResponseBase:
        """Sent as an attachment with a safe content type (octet-stream unless known)."""
        item = self._file(request, project_id, note_id, attachment_id, Perm.VIEW)
        return file_response(item)
