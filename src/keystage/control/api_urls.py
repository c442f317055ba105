"""REST routes of keystage.control, mounted under /api/v1/."""

from django.urls import URLPattern, path

from keystage.control.kpis import api as kpi_api

urlpatterns: list[URLPattern] = [
    path("projects/<str:project_id>/kpis/", kpi_api.ProjectKpisView.as_view(), name="project-kpis"),
    path("org/kpi-thresholds/", kpi_api.KpiThresholdsView.as_view(), name="kpi-thresholds"),
]
