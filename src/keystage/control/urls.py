"""Pages of keystage.control (namespace ``control``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.control.kpis import views as kpi_views
from keystage.control.reports import views as report_views
from keystage.control.views import evm

app_name = "control"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "earned-value/", evm.evm_page, name="evm"),
    path(P + "health/", kpi_views.health_page, name="health"),
    path(P + "status-report/", report_views.status_report_page, name="status-report"),
    path(P + "status-report/issue/", report_views.status_report_issue, name="status-report-issue"),
    path(
        P + "status-reports/<int:number>/",
        report_views.status_report_issued,
        name="status-report-issued",
    ),
    path(
        P + "status-reports/<int:number>/pdf/",
        report_views.status_report_pdf,
        name="status-report-pdf",
    ),
    path("kpi-thresholds/", kpi_views.thresholds_page, name="kpi-thresholds"),
]
