"""REST endpoints of the final report: the issued list and issuing, one report (frozen
content), its PDF. Thin."""

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
from keystage.closing.final_report import selectors, services
from keystage.closing.final_report.views import pdf_response
from keystage.closing.models import FinalReport


class FinalReportBriefSerializer(serializers.ModelSerializer[FinalReport]):
    """One issued final report in the list: number, who issued it and when, its PDF."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = FinalReport
        fields = ["id", "number", "issued_at", "issued_by_label", "pdf_url"]
        read_only_fields = fields

    def get_pdf_url(self, obj: FinalReport) -> str:
        """The report's PDF under /api/v1/."""
        return f"/api/v1/projects/{obj.project.public_id}/final-reports/{obj.number}/pdf/"


class FinalReportSerializer(FinalReportBriefSerializer):
    """An issued final report with its content: the JSON snapshot frozen when it was issued."""

    content = serializers.JSONField(read_only=True)

    class Meta(FinalReportBriefSerializer.Meta):
        fields = [*FinalReportBriefSerializer.Meta.fields, "content"]
        read_only_fields = fields


class FinalReportIssueSerializer(serializers.Serializer[Any]):
    """The number of the latest issued report you have seen (0 or absent: none)."""

    latest = serializers.IntegerField(
        required=False,
        default=0,
        help_text="Issuing again on purpose names the report it supersedes; a repeat gets 409.",
    )


class FinalReportListView(APIView):
    """The project's issued final reports; POST issues the next one."""

    @extend_schema(
        summary="List the issued final reports", responses=FinalReportBriefSerializer(many=True)
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Every issued final report, newest first."""
        reports = selectors.final_reports(who=actor(request), project_id=project_id)
        return Response(FinalReportBriefSerializer(reports, many=True).data)

    @extend_schema(
        summary="Issue the final report",
        request=FinalReportIssueSerializer,
        responses={201: FinalReportSerializer},
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Freeze the final report as of now (project manager, in Closing); members are told."""
        data = request.data if isinstance(request.data, dict) else {}
        report = services.final_report_issue(
            who=actor(request),
            project_id=project_id,
            latest=services.parse_latest(data.get("latest")),
        )
        return Response(FinalReportSerializer(report).data, status=status.HTTP_201_CREATED)


class FinalReportDetailView(APIView):
    """One issued final report with its frozen content."""

    @extend_schema(summary="Read an issued final report", responses=FinalReportSerializer)
    def get(self, request: Request, project_id: str, number: int) -> Response:
        """Read it, exactly as issued."""
        report = selectors.final_report(who=actor(request), project_id=project_id, number=number)
        return Response(FinalReportSerializer(report).data)


class FinalReportPdfView(APIView):
    """The PDF of one issued final report."""

    @extend_schema(
        summary="Download an issued final report as PDF",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The final report as an A4 PDF, as issued."
            )
        },
    )
    def get(self, request: Request, project_id: str, number: int) -> HttpResponse:
        """Download it."""
        report = selectors.final_report(who=actor(request), project_id=project_id, number=number)
        return pdf_response(report)
