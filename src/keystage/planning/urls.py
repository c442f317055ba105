"""Pages of keystage.planning (named ``planning:…``; the namespace is given in ``config.urls``)."""

from django.urls import URLPattern, path

from keystage.planning.views import baselines as baselines_views
from keystage.planning.views import calendar as calendar_views
from keystage.planning.views import collaboration as collaboration_views
from keystage.planning.views import files as files_views
from keystage.planning.views import gantt as gantt_views
from keystage.planning.views import goal_measurements as measurement_views
from keystage.planning.views import goals as goals_views
from keystage.planning.views import records as records_views
from keystage.planning.views import schedule as schedule_views
from keystage.planning.views import scope as scope_views
from keystage.planning.views import wbs as wbs_views

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    # goals, scope and collaboration links
    path(P + "goals/", goals_views.goals_page, name="goals"),
    path(P + "goals/new/", goals_views.goal_create, name="goal-create"),
    path(P + "goals/<uuid:goal_id>/", goals_views.goal_edit, name="goal-edit"),
    path(
        P + "goals/<uuid:goal_id>/measurements/",
        measurement_views.measurements_page,
        name="goal-measurements",
    ),
    path(
        P + "goals/<uuid:goal_id>/measurements/<uuid:measurement_id>/remove/",
        measurement_views.measurement_remove,
        name="goal-measurement-remove",
    ),
    path(P + "scope/", scope_views.scope_page, name="scope"),
    path(P + "scope/statement/", scope_views.statement_edit, name="scope-statement"),
    path(P + "scope/deliverables/new/", scope_views.deliverable_create, name="deliverable-create"),
    path(
        P + "scope/deliverables/<uuid:deliverable_id>/",
        scope_views.deliverable_edit,
        name="deliverable-edit",
    ),
    path(
        P + "scope/deliverables/<uuid:deliverable_id>/page/",
        records_views.deliverable_detail,
        name="deliverable-detail",
    ),
    path(
        P + "scope/deliverables/<uuid:deliverable_id>/files/",
        files_views.deliverable_files,
        name="deliverable-files",
    ),
    path(
        P + "scope/deliverables/<uuid:deliverable_id>/tasks/",
        records_views.deliverable_tasks,
        name="deliverable-tasks",
    ),
    path(P + "scope/items/new/", scope_views.item_create, name="item-create"),
    path(P + "scope/items/<uuid:item_id>/", scope_views.item_edit, name="item-edit"),
    path(P + "scope/notes/new/", scope_views.note_create, name="scope-note-create"),
    path(P + "scope/notes/<uuid:scope_note_id>/", scope_views.note_edit, name="scope-note-edit"),
    path(P + "links/", collaboration_views.collaboration_links_page, name="links"),
    path(P + "links/new/", collaboration_views.collaboration_link_create, name="link-create"),
    path(
        P + "links/<uuid:link_id>/", collaboration_views.collaboration_link_edit, name="link-edit"
    ),
    # the plan: work breakdown table and calendar
    path(P + "plan/", wbs_views.plan_page, name="plan"),
    path(P + "plan/tasks/new/", wbs_views.task_create, name="plan-task-create"),
    path(P + "plan/tasks/<uuid:task_id>/", records_views.task_detail, name="plan-task-detail"),
    path(P + "plan/tasks/<uuid:task_id>/files/", files_views.task_files, name="plan-task-files"),
    path(P + "plan/files/<uuid:plan_file_id>/", files_views.plan_file, name="plan-file"),
    path(
        P + "plan/files/<uuid:plan_file_id>/delete/",
        files_views.plan_file_remove,
        name="plan-file-delete",
    ),
    path(P + "plan/tasks/<uuid:task_id>/cell/", wbs_views.task_cell, name="plan-task-cell"),
    path(P + "plan/tasks/<uuid:task_id>/move/", wbs_views.task_move, name="plan-task-move"),
    path(P + "plan/tasks/<uuid:task_id>/delete/", wbs_views.task_delete, name="plan-task-delete"),
    path(P + "plan/calendar/", calendar_views.calendar_page, name="plan-calendar"),
    path(
        P + "plan/calendar/holidays/new/", calendar_views.holiday_create, name="plan-holiday-create"
    ),
    path(
        P + "plan/calendar/holidays/<uuid:holiday_id>/delete/",
        calendar_views.holiday_delete,
        name="plan-holiday-delete",
    ),
    # scheduling runs
    path(P + "schedule/", schedule_views.schedule_page, name="schedule"),
    path(P + "schedule/runs/", schedule_views.schedule_run_create, name="schedule-run-create"),
    path(P + "schedule/runs/<uuid:run_id>/", schedule_views.schedule_run, name="schedule-run"),
    path(
        P + "schedule/runs/<uuid:run_id>/cancel/",
        schedule_views.schedule_run_cancel,
        name="schedule-run-cancel",
    ),
    # baselines
    path(P + "baselines/", baselines_views.baselines_page, name="baselines"),
    path(P + "baselines/capture/", baselines_views.baseline_capture, name="baseline-capture"),
    path(
        P + "baselines/<uuid:baseline_id>/delete/",
        baselines_views.baseline_delete,
        name="baseline-delete",
    ),
    # the Gantt
    path(P + "gantt/", gantt_views.gantt_page, name="gantt"),
]
