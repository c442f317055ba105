"""Portfolio and project pages."""

from django.urls import path

from keystage.portfolio import dashboard_views, history, views

app_name = "portfolio"

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("portfolio/dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/<uuid:project_id>/", views.project_detail, name="project-detail"),
    path("projects/<uuid:project_id>/edit/", views.project_edit, name="project-edit"),
    path("projects/<uuid:project_id>/gate/", views.gate_decide, name="gate-decide"),
    path("projects/<uuid:project_id>/reopen/", views.project_reopen, name="project-reopen"),
    path("projects/<uuid:project_id>/members/", views.member_list, name="member-list"),
    path(
        "projects/<uuid:project_id>/members/<uuid:member_id>/",
        views.member_update,
        name="member-update",
    ),
    path("projects/<uuid:project_id>/history/", history.project_history, name="project-history"),
]
