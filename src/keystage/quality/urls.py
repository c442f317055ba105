"""Pages of keystage.quality (namespace ``quality``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.quality import views
from keystage.quality.records import CRITERIA, DEFECTS, TEST_RUNS

app_name = "quality"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "quality/", views.overview, name="overview"),
    path(
        P + "quality/deliverables/<uuid:deliverable_id>/sign-off/",
        views.sign_off,
        name="sign-off",
    ),
    path(
        P + "quality/deliverables/<uuid:deliverable_id>/criteria-from-scope/",
        views.criteria_from_scope_page,
        name="criteria-from-scope",
    ),
    *CRITERIA.page_urls(P + "quality/", list_view=views.back_to("plan")),
    *TEST_RUNS.page_urls(P + "quality/", list_view=views.back_to("test-runs")),
    *DEFECTS.page_urls(P + "quality/", list_view=views.back_to("defects")),
]
