"""REST routes of keystage.quality, mounted under /api/v1/ in the ``api`` namespace."""

from django.urls import URLPattern, path

from keystage.quality.api import CriteriaFromScopeView, QualitySummaryView, SignOffListView
from keystage.quality.records import CRITERIA, DEFECTS, TEST_RUNS

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    *CRITERIA.api_urls(P),
    *TEST_RUNS.api_urls(P),
    *DEFECTS.api_urls(P),
    path(P + "sign-offs/", SignOffListView.as_view(), name="quality-sign-off-list"),
    path(P + "quality/", QualitySummaryView.as_view(), name="quality-summary"),
    path(
        P + "quality/deliverables/<str:deliverable_id>/criteria-from-scope/",
        CriteriaFromScopeView.as_view(),
        name="quality-criteria-from-scope",
    ),
]
