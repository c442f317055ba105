"""REST routes of keystage.closing, mounted under /api/v1/ in the ``api`` namespace."""

from django.urls import URLPattern, path

from keystage.closing.final_budget import api as budget_api
from keystage.closing.final_report import api as report_api

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "final-budget/", budget_api.FinalBudgetApiView.as_view(), name="final-budget"),
    path(
        P + "final-budget/reconcile/",
        budget_api.FinalBudgetReconcileView.as_view(),
        name="final-budget-reconcile",
    ),
    path(P + "final-reports/", report_api.FinalReportListView.as_view(), name="final-report-list"),
    path(
        P + "final-reports/<int:number>/",
        report_api.FinalReportDetailView.as_view(),
        name="final-report-detail",
    ),
    path(
        P + "final-reports/<int:number>/pdf/",
        report_api.FinalReportPdfView.as_view(),
        name="final-report-pdf",
    ),
]
