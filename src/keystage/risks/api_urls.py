"""REST routes of keystage.risks, mounted under /api/v1/ in the ``api`` namespace."""

from django.urls import URLPattern, path

from keystage.risks import api
from keystage.risks.records import ISSUES, RESPONSES, RISKS
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
    path(
        P + "risk-simulations/<str:simulation_id>/cancel/",
        simulation_api.SimulationCancelView.as_view(),
        name="risks-simulation-cancel",
    ),
    path("org/risk-matrix/", api.RiskMatrixView.as_view(), name="risk-matrix"),
    path(P + "risks/carry-forward/", api.CarryForwardView.as_view(), name="risks-carry-forward"),
    path(P + "risk-heat-map/", api.HeatMapView.as_view(), name="risk-heat-map"),
    path(
        P + "risks/<str:risk_id>/occurred/",
        api.RiskOccurredView.as_view(),
        name="risks-occurred",
    ),
    path(
        P + "issues/<str:issue_id>/escalate/",
        api.IssueEscalateView.as_view(),
        name="issues-escalate",
    ),
    *RISKS.api_urls(),
    *RESPONSES.api_urls(),
    *ISSUES.api_urls(),
]
