"""REST routes of keystage.risks, mounted under /api/v1/ in the ``api`` namespace."""

from django.urls import URLPattern, path

from keystage.risks.simulation import api as simulation_api

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(
        P + "risk-estimates/",
        simulation_api.EstimateListView.as_view(),
        name="risks-estimate-list",
    ),
    path(
        P + "risk-estimates/spread/",
        simulation_api.SpreadView.as_view(),
        name="risks-estimate-spread",
    ),
    path(
        P + "risk-simulations/",
        simulation_api.SimulationListView.as_view(),
        name="risks-simulation-list",
    ),
    path(
        P + "risk-simulations/<str:simulation_id>/",
        simulation_api.SimulationDetailView.as_view(),
        name="risks-simulation-detail",
    ),
]
