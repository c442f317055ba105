"""Pages of keystage.risks (namespace ``risks``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.risks import views
from keystage.risks.records import ISSUES, RESPONSES, RISKS
from keystage.risks.simulation import views as simulation_views

app_name = "risks"

P = "projects/<uuid:project_id>/"

_, risk_create, _ = RISKS.page_views()
_, issue_create, issue_edit = ISSUES.page_views()

urlpatterns: list[URLPattern] = [
    path("risk-matrix/", views.matrix_page, name="risk-matrix"),
    path(P + "risks/", views.register_page, name="risks"),
    path(P + "risks/new/", risk_create, name="risks-create"),
    path(P + "risks/carry-forward/", views.carry_forward_page, name="risks-carry-forward"),
    path(P + "risks/<uuid:risk_id>/", views.risk_page, name="risks-detail"),
    path(P + "risks/<uuid:risk_id>/edit/", views.risk_edit_page, name="risks-edit"),
    path(P + "risks/<uuid:risk_id>/occurred/", views.risk_occurred_page, name="risks-occurred"),
    *RESPONSES.page_urls(list_view=views.responses_page),
    path(P + "issues/", views.issue_log_page, name="issues"),
    path(P + "issues/new/", issue_create, name="issues-create"),
    path(P + "issues/<uuid:issue_id>/", views.issue_page, name="issues-detail"),
    path(P + "issues/<uuid:issue_id>/edit/", issue_edit, name="issues-edit"),
    path(P + "issues/<uuid:issue_id>/escalate/", views.issue_escalate_page, name="issues-escalate"),
    path(P + "risk-analysis/", simulation_views.simulation_page, name="simulation"),
    path(P + "risk-analysis/runs/", simulation_views.simulation_create, name="simulation-create"),
    path(
        P + "risk-analysis/runs/<uuid:simulation_id>/",
        simulation_views.simulation_run,
        name="simulation-run",
    ),
    path(
        P + "risk-analysis/runs/<uuid:simulation_id>/cancel/",
        simulation_views.simulation_cancel,
        name="simulation-cancel",
    ),
    path(P + "risk-analysis/estimates/", simulation_views.estimates_page, name="estimates"),
    path(
        P + "risk-analysis/estimates/save/",
        simulation_views.estimates_save,
        name="estimates-save",
    ),
    path(
        P + "risk-analysis/estimates/spread/", simulation_views.spread_save, name="estimates-spread"
    ),
]
