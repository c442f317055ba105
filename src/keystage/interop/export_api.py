"""REST endpoint of the exports: ``GET /api/v1/projects/<id>/export/<format>/``. Thin."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.interop.export_views import download, task_url
from keystage.interop.exports import FORMATS, TABLES, export_for

FORMAT = OpenApiParameter(
    "export_format",
    str,
    OpenApiParameter.PATH,
    enum=list(FORMATS),
    description="mspdi (MS Project XML), xlsx, csv (a zip of CSV files), ics or toml.",
)
TABLE = OpenApiParameter(
    "table", str, enum=list(TABLES), description="With csv: this one table as a CSV file."
)


class ExportView(APIView):
    """The project as a file in one of the export formats."""

    @extend_schema(
        summary="Export the project (MSPDI, XLSX, CSV, iCalendar or plan TOML)",
        parameters=[FORMAT, TABLE],
        responses={
            (200, f.media_type): OpenApiResponse(
                OpenApiTypes.BINARY, description=f"{f.label}: {f.description}"
            )
            for f in FORMATS.values()
        }
        | {
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.BINARY, description="With csv and ?table=: that table alone."
            ),
            (404, "application/json"): OpenApiResponse(description="No such project or format."),
        },
    )
    def get(self, request: Request, project_id: str, export_format: str) -> HttpResponse:
        """The file, with a Content-Disposition file name; members only (404 otherwise)."""
        export = export_for(
            who=actor(request),
            project_id=project_id,
            key=export_format,
            table=request.query_params.get("table") or None,
            task_url=task_url(request._request),
        )
        return download(export)
