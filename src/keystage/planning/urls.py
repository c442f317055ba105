"""Pages of keystage.planning."""

from django.urls import URLPattern, path

from keystage.planning.views import baselines as baselines_views
from keystage.planning.views import budget as budget_views
from keystage.planning.views import charter as charter_views
from keystage.planning.views import collaboration as collaboration_views
from keystage.planning.views import goals as goals_views
from keystage.planning.views import schedule as schedule_views
from keystage.planning.views import scope as scope_views

app_name = "planning"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    # goals, scope and collaboration links
    path(P + "goals/", goals_views.goals_page, name="goals"),
    path(P + "goals/new/", goals_views.goal_create, name="goal-create"),
    path(P + "goals/<uuid:goal_id>/", goals_views.goal_edit, name="goal-edit"),
    path(P + "scope/", scope_views.scope_page, name="scope"),
    path(P + "scope/statement/", scope_views.statement_edit, name="scope-statement"),
    path(P + "scope/deliverables/new/", scope_views.deliverable_create, name="deliverable-create"),
    path(
        P + "scope/deliverables/<uuid:deliverable_id>/",
        scope_views.deliverable_edit,
        name="deliverable-edit",
    ),
    path(P + "scope/items/new/", scope_views.item_create, name="item-create"),
    path(P + "scope/items/<uuid:item_id>/", scope_views.item_edit, name="item-edit"),
    path(P + "scope/notes/new/", scope_views.note_create, name="scope-note-create"),
    path(P + "scope/notes/<uuid:scope_note_id>/", scope_views.note_edit, name="scope-note-edit"),
    path(P + "links/", collaboration_views.links_page, name="links"),
    path(P + "links/new/", collaboration_views.link_create, name="link-create"),
    path(P + "links/<uuid:link_id>/", collaboration_views.link_edit, name="link-edit"),
    # the charter
    path(P + "charter/", charter_views.charter_page, name="charter"),
    path(P + "charter/regenerate/", charter_views.charter_regenerate, name="charter-regenerate"),
    path(
        P + "charter/versions/<int:number>/pdf",
        charter_views.charter_pdf,
        name="charter-pdf",
    ),
    # the budget
    path(P + "budget/", budget_views.budget_page, name="budget"),
    path(P + "budget/settings/", budget_views.budget_settings, name="budget-settings"),
    path(P + "budget/set/", budget_views.budget_set, name="budget-set"),
    path(P + "budget/reopen/", budget_views.budget_reopen, name="budget-reopen"),
    path(P + "budget/lines/new/", budget_views.line_create, name="budget-line-create"),
    path(
        P + "budget/lines/<uuid:budget_line_id>/",
        budget_views.line_edit,
        name="budget-line-edit",
    ),
    # scheduling runs
    path(P + "schedule/", schedule_views.schedule_page, name="schedule"),
    path(P + "schedule/runs/", schedule_views.schedule_run_create, name="schedule-run-create"),
    path(P + "schedule/runs/<uuid:run_id>/", schedule_views.schedule_run, name="schedule-run"),
    # baselines
    path(P + "baselines/", baselines_views.baselines_page, name="baselines"),
    path(P + "baselines/capture/", baselines_views.baseline_capture, name="baseline-capture"),
    path(
        P + "baselines/<uuid:baseline_id>/delete/",
        baselines_views.baseline_delete,
        name="baseline-delete",
    ),
]
