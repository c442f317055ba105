"""REST routes of keystage.control, mounted under /api/v1/ in the ``api`` namespace."""

from django.urls import URLPattern, path

from keystage.control.api import evm
from keystage.control.changes import api as change_api
from keystage.control.kpis import api as kpi_api
from keystage.control.reports import api as report_api

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "evm/", evm.EvmView.as_view(), name="evm"),
    path(P + "evm/history/", evm.EvmHistoryView.as_view(), name="evm-history"),
    path(P + "kpis/", kpi_api.ProjectKpisView.as_view(), name="project-kpis"),
    path(
        P + "status-reports/",
        report_api.StatusReportListView.as_view(),
        name="status-report-list",
    ),
    path(
        P + "status-reports/<int:number>/",
        report_api.StatusReportDetailView.as_view(),
        name="status-report-detail",
    ),
    path(
        P + "status-reports/<int:number>/pdf/",
        report_api.StatusReportPdfView.as_view(),
        name="status-report-pdf",
    ),
    path(P + "change-requests/", change_api.ChangeListView.as_view(), name="change-list"),
    path(
        P + "change-requests/<int:number>/",
        change_api.ChangeDetailView.as_view(),
        name="change-detail",
    ),
    path(
        P + "change-requests/<int:number>/edits/",
        change_api.ChangeEditsView.as_view(),
        name="change-edits",
    ),
    path(
        P + "change-requests/<int:number>/edits/<int:index>/",
        change_api.ChangeEditView.as_view(),
        name="change-edit",
    ),
    path(
        P + "change-requests/<int:number>/impact/",
        change_api.ChangeImpactView.as_view(),
        name="change-impact",
    ),
    path(
        P + "change-requests/<int:number>/submit/",
        change_api.ChangeSubmitView.as_view(),
        name="change-submit",
    ),
    path(
        P + "change-requests/<int:number>/decision/",
        change_api.ChangeDecisionView.as_view(),
        name="change-decision",
    ),
    path(
        P + "change-requests/<int:number>/apply/",
        change_api.ChangeApplyView.as_view(),
        name="change-apply",
    ),
    path("org/kpi-thresholds/", kpi_api.KpiThresholdsView.as_view(), name="kpi-thresholds"),
]
