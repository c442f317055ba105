"""Pages of keystage.costs.

They keep the ``planning:`` URL names they had before the cost plan became its own app;
``config.urls`` mounts them in that namespace beside planning's pages.
"""

from django.urls import URLPattern, path

from keystage.costs import cost_views, views
from keystage.costs.records import COSTS

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "budget/", views.budget_page, name="budget"),
    path(P + "budget/settings/", views.budget_settings, name="budget-settings"),
    path(P + "budget/set/", views.budget_set, name="budget-set"),
    path(P + "budget/reopen/", views.budget_reopen, name="budget-reopen"),
    path(P + "budget/lines/new/", views.line_create, name="budget-line-create"),
    path(
        P + "budget/lines/<uuid:budget_line_id>/",
        views.line_edit,
        name="budget-line-edit",
    ),
    *COSTS.page_urls(P, list_view=cost_views.costs_page),
    path(P + "costs/<uuid:cost_id>/file/", cost_views.cost_file, name="costs-file"),
]
