"""Pages of keystage.control (namespace ``control``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.control.changes import views as change_views
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
    path(P + "changes/", change_views.change_list_page, name="changes"),
    path(P + "changes/new/", change_views.change_new, name="change-new"),
    path(P + "changes/<int:number>/", change_views.change_page, name="change-detail"),
    path(P + "changes/<int:number>/edit/", change_views.change_update, name="change-update"),
    path(P + "changes/<int:number>/edits/", change_views.change_edit_add, name="change-edit-add"),
    path(
        P + "changes/<int:number>/edits/<int:index>/remove/",
        change_views.change_edit_remove,
        name="change-edit-remove",
    ),
    path(P + "changes/<int:number>/impact/", change_views.change_impact, name="change-impact"),
    path(P + "changes/<int:number>/submit/", change_views.change_submit, name="change-submit"),
    path(P + "changes/<int:number>/decide/", change_views.change_decide, name="change-decide"),
    path(P + "changes/<int:number>/apply/", change_views.change_apply, name="change-apply"),
    path("kpi-thresholds/", kpi_views.thresholds_page, name="kpi-thresholds"),
]
