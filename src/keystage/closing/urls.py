"""Pages of keystage.closing (namespace ``closing``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.closing.final_budget import views as budget_views
from keystage.closing.final_report import views as report_views

app_name = "closing"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "closing/", budget_views.closing_page, name="closing"),
    path(P + "closing/final-budget/", budget_views.final_budget_page, name="final-budget"),
    path(
        P + "closing/final-budget/reconcile/",
        budget_views.final_budget_reconcile,
        name="final-budget-reconcile",
    ),
    path(P + "closing/final-report/", report_views.final_report_page, name="final-report"),
    path(
        P + "closing/final-report/issue/",
        report_views.final_report_issue,
        name="final-report-issue",
    ),
    path(
        P + "closing/final-reports/<int:number>/",
        report_views.final_report_issued,
        name="final-report-issued",
    ),
    path(
        P + "closing/final-reports/<int:number>/pdf/",
        report_views.final_report_pdf,
        name="final-report-pdf",
    ),
]
