"""REST routes of keystage.planning, mounted under /api/v1/."""

from django.urls import URLPattern, path

from keystage.core.middleware import accepts_uploads
from keystage.planning.api import baselines as baselines_api
from keystage.planning.api import collaboration as collaboration_api
from keystage.planning.api import files as files_api
from keystage.planning.api import gantt as gantt_api
from keystage.planning.api import goal_measurements as measurements_api
from keystage.planning.api import goals as goals_api
from keystage.planning.api import schedule as schedule_api
from keystage.planning.api import scope as scope_api
from keystage.planning.api import wbs as wbs_api

P = "projects/<str:project_id>/"


def _file_routes(stem: str, holder: str) -> list[URLPattern]:
    """List/upload, detail/remove and download of a task's or deliverable's files."""
    one = stem + "files/<str:plan_file_id>/"
    return [
        path(
            stem + "files/",
            accepts_uploads(files_api.PlanFileListView.as_view()),
            name=f"planning-{holder}-files",
        ),
        path(one, files_api.PlanFileDetailView.as_view(), name=f"planning-{holder}-file"),
        path(
            one + "download/",
            files_api.PlanFileDownloadView.as_view(),
            name=f"planning-{holder}-file-download",
        ),
    ]


urlpatterns: list[URLPattern] = [
    *_file_routes(P + "tasks/<str:task_id>/", "task"),
    *_file_routes(P + "scope/deliverables/<str:deliverable_id>/", "deliverable"),
    # goals, scope and collaboration links
    path(P + "goals/", goals_api.GoalListView.as_view(), name="planning-goal-list"),
    path(
        P + "goals/<str:goal_id>/",
        goals_api.GoalDetailView.as_view(),
        name="planning-goal-detail",
    ),
    path(
        P + "goals/<str:goal_id>/measurements/",
        measurements_api.GoalMeasurementListView.as_view(),
        name="planning-goal-measurement-list",
    ),
    path(
        P + "goals/<str:goal_id>/measurements/<str:measurement_id>/",
        measurements_api.GoalMeasurementDetailView.as_view(),
        name="planning-goal-measurement-detail",
    ),
    path(P + "scope/", scope_api.ScopeStatementView.as_view(), name="planning-scope"),
    path(
        P + "scope/deliverables/",
        scope_api.DeliverableListView.as_view(),
        name="planning-deliverable-list",
    ),
    path(
        P + "scope/deliverables/<str:deliverable_id>/",
        scope_api.DeliverableDetailView.as_view(),
        name="planning-deliverable-detail",
    ),
    path(P + "scope/items/", scope_api.ScopeItemListView.as_view(), name="planning-item-list"),
    path(
        P + "scope/items/<str:item_id>/",
        scope_api.ScopeItemDetailView.as_view(),
        name="planning-item-detail",
    ),
    path(P + "scope/notes/", scope_api.ScopeNoteListView.as_view(), name="planning-note-list"),
    path(
        P + "scope/notes/<str:scope_note_id>/",
        scope_api.ScopeNoteDetailView.as_view(),
        name="planning-note-detail",
    ),
    path(
        P + "links/",
        collaboration_api.CollaborationLinkListView.as_view(),
        name="planning-link-list",
    ),
    path(
        P + "links/<str:link_id>/",
        collaboration_api.CollaborationLinkDetailView.as_view(),
        name="planning-link-detail",
    ),
    # work breakdown
    path(P + "tasks/", wbs_api.TaskListView.as_view(), name="planning-task-list"),
    path(P + "tasks/<str:task_id>/", wbs_api.TaskDetailView.as_view(), name="planning-task-detail"),
    path(
        P + "tasks/<str:task_id>/move/",
        wbs_api.TaskMoveView.as_view(),
        name="planning-task-move",
    ),
    path(
        P + "dependencies/",
        wbs_api.DependencyListView.as_view(),
        name="planning-dependency-list",
    ),
    path(
        P + "dependencies/<str:dependency_id>/",
        wbs_api.DependencyDetailView.as_view(),
        name="planning-dependency-detail",
    ),
    # schedule runs (critical path, levelling, optimisation) in the background
    path(
        P + "schedule-runs/",
        schedule_api.ScheduleRunListView.as_view(),
        name="planning-schedule-run-list",
    ),
    path(
        P + "schedule-runs/<str:run_id>/",
        schedule_api.ScheduleRunDetailView.as_view(),
        name="planning-schedule-run-detail",
    ),
    path(
        P + "schedule-runs/<str:run_id>/cancel/",
        schedule_api.ScheduleRunCancelView.as_view(),
        name="planning-schedule-run-cancel",
    ),
    # baselines ("compare/" before the detail route, which would take it for an id)
    path(P + "baselines/", baselines_api.BaselineListView.as_view(), name="planning-baseline-list"),
    path(
        P + "baselines/compare/",
        baselines_api.BaselineCompareView.as_view(),
        name="planning-baseline-compare",
    ),
    path(
        P + "baselines/<str:baseline_id>/",
        baselines_api.BaselineDetailView.as_view(),
        name="planning-baseline-detail",
    ),
    # the Gantt
    path(P + "gantt/", gantt_api.GanttView.as_view(), name="planning-gantt"),
]
