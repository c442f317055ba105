"""Pages of keystage.control (namespace ``control``)."""

from django.urls import URLPattern, path

from keystage.control.kpis import views as kpi_views

app_name = "control"

urlpatterns: list[URLPattern] = [
    path("projects/<uuid:project_id>/health/", kpi_views.health_page, name="health"),
    path("kpi-thresholds/", kpi_views.thresholds_page, name="kpi-thresholds"),
]
