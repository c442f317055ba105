"""REST endpoints of status reports: list and issue, read one (frozen content), its PDF. Thin."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.control.models import StatusReport
from keystage.control.reports import selectors, services
from keystage.control.reports.views import pdf_response
from keystage.portfolio.access import access_project


class StatusReportBriefSerializer(serializers.ModelSerializer[StatusReport]):
    """One issued report in the list: number, period, who issued it and when, its PDF."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = StatusReport
        fields = [
            "id",
            "number",
            "period_start",
            "period_end",
            "issued_at",
            "issued_by_label",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, obj: StatusReport) -> str:
        """The report's PDF under /api/v1/."""
        return f"/api/v1/projects/{obj.project.public_id}/status-reports/{obj.number}/pdf/"


class StatusReportSerializer(StatusReportBriefSerializer):
    """An issued report with its content: the JSON snapshot frozen when it was issued."""

    content = serializers.JSONField(read_only=True)

    class Meta(StatusReportBriefSerializer.Meta):
        fields = [*StatusReportBriefSerializer.Meta.fields, "content"]
        read_only_fields = fields


class IssueSerializer(serializers.Serializer[Any]):
    """The period to report on (YYYY-MM-DD); default: the week up to the data date."""

    period_start = serializers.CharField(required=False, allow_blank=True)
    period_end = serializers.CharField(required=False, allow_blank=True)
    notify = serializers.BooleanField(
        required=False, default=False, help_text="Tell the project's members (in-app, e-mail)."
    )


class StatusReportListView(APIView):
    """The project's issued status reports; POST issues the next one."""

    @extend_schema(
        summary="List the issued status reports",
        responses=StatusReportBriefSerializer(many=True),
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Every issued report, newest first."""
        project = access_project(who=actor(request), project_id=project_id)
        reports = selectors.issued_reports(who=actor(request), project=project)
        return Response(StatusReportBriefSerializer(reports, many=True).data)

    @extend_schema(
        summary="Issue a status report",
        request=IssueSerializer,
        responses={201: StatusReportSerializer},
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Issue the next report for the period, frozen as of now (project editors)."""
        data = request.data if isinstance(request.data, dict) else {}
        report = services.report_issue(
            who=actor(request),
            project_id=project_id,
            period_start=str(data.get("period_start") or "") or None,
            period_end=str(data.get("period_end") or "") or None,
            notify_members=data.get("notify") is True,
        )
        return Response(StatusReportSerializer(report).data, status=status.HTTP_201_CREATED)


class StatusReportDetailView(APIView):
    """One issued report with its frozen content."""

    @extend_schema(summary="Read an issued status report", responses=StatusReportSerializer)
    def get(self, request: Request, project_id: str, number: int) -> Response:
        """Read it, exactly as issued."""
        report = selectors.issued_report(who=actor(request), project_id=project_id, number=number)
        return Response(StatusReportSerializer(report).data)


class StatusReportPdfView(APIView):
    """The PDF of one issued report."""

    @extend_schema(
        summary="Download an issued status report as PDF",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The report as an A4 PDF, as issued."
            )
        },
    )
    def get(self, request: Request, project_id: str, number: int) -> HttpResponse:
        """Download it."""
        report = selectors.issued_report(who=actor(request), project_id=project_id, number=number)
        return pdf_response(report)
