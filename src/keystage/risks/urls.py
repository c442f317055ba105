"""Pages of keystage.risks (namespace ``risks``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.risks import views
from keystage.risks.records import ISSUES, RESPONSES, RISKS

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
]
