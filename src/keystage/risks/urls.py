"""Pages of keystage.risks (namespace ``risks``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.risks.simulation import views as simulation_views

app_name = "risks"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "risk-analysis/", simulation_views.simulation_page, name="simulation"),
    path(P + "risk-analysis/runs/", simulation_views.simulation_create, name="simulation-create"),
    path(
        P + "risk-analysis/runs/<uuid:simulation_id>/",
        simulation_views.simulation_run,
        name="simulation-run",
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
