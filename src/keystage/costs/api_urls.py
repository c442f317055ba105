"""REST routes of keystage.costs, mounted under /api/v1/."""

from django.urls import URLPattern, path

from keystage.core.middleware import accepts_uploads
from keystage.costs import actuals_api, api
from keystage.costs.records import COSTS

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "budget/", api.BudgetView.as_view(), name="planning-budget"),
    path(P + "budget/set/", api.BudgetSetView.as_view(), name="planning-budget-set"),
    path(
        P + "budget/reopen/",
        api.BudgetReopenView.as_view(),
        name="planning-budget-reopen",
    ),
    path(
        P + "budget-lines/",
        api.BudgetLineListView.as_view(),
        name="planning-budget-line-list",
    ),
    path(
        P + "budget-lines/<str:budget_line_id>/",
        api.BudgetLineDetailView.as_view(),
        name="planning-budget-line-detail",
    ),
    path(P + "budget/actuals/", actuals_api.ActualsView.as_view(), name="costs-actuals"),
    *COSTS.api_urls(),
    path(
        P + "costs/<str:cost_id>/file/",
        accepts_uploads(actuals_api.CostFileView.as_view()),
        name="costs-file",
    ),
]
