"""REST routes of keystage.execution, mounted under /api/v1/."""

from django.urls import URLPattern, path

from keystage.execution.api import my_work, progress, timesheets
from keystage.execution.status_updates import STATUS_UPDATES
from keystage.execution.views.resource_load import ResourceLoadView

P = "projects/<str:project_id>/"

progress_urlpatterns: list[URLPattern] = [
    path("me/work/", my_work.MyWorkView.as_view(), name="execution-my-work"),
    path(
        "portfolio/resource-load/",
        ResourceLoadView.as_view(),
        name="portfolio-resource-load",
    ),
    path(
        P + "tasks/<str:task_id>/progress/",
        progress.TaskProgressView.as_view(),
        name="execution-task-progress",
    ),
    path(P + "data-date/", progress.DataDateView.as_view(), name="execution-data-date"),
    path(P + "reschedule/", progress.RescheduleView.as_view(), name="execution-reschedule"),
]

timesheet_urlpatterns: list[URLPattern] = [
    path("me/work/", my_work.MyWorkView.as_view(), name="execution-my-work"),
    path(
        "portfolio/resource-load/",
        ResourceLoadView.as_view(),
        name="portfolio-resource-load",
    ),
    path(
        P + "time-entries/",
        timesheets.TimeEntryListView.as_view(),
        name="execution-time-entry-list",
    ),
    path(
        P + "time-entries/<str:time_entry_id>/",
        timesheets.TimeEntryDetailView.as_view(),
        name="execution-time-entry-detail",
    ),
    path(
        P + "timesheets/", timesheets.TimesheetListView.as_view(), name="execution-timesheet-list"
    ),
    path(
        P + "timesheets/totals/",
        timesheets.TimesheetTotalsView.as_view(),
        name="execution-timesheet-totals",
    ),
    path(
        P + "timesheets/settings/",
        timesheets.TimesheetSettingsView.as_view(),
        name="execution-timesheet-settings",
    ),
    path(
        P + "timesheets/tasks/",
        timesheets.TimesheetTaskSearchView.as_view(),
        name="execution-timesheet-tasks",
    ),
    path(
        P + "timesheets/week/<str:week>/",
        timesheets.WeekView.as_view(),
        name="execution-timesheet-week",
    ),
    path(
        P + "timesheets/<str:timesheet_id>/",
        timesheets.TimesheetDetailView.as_view(),
        name="execution-timesheet-detail",
    ),
    path(
        P + "timesheets/<str:timesheet_id>/submit/",
        timesheets.TimesheetSubmitView.as_view(),
        name="execution-timesheet-submit",
    ),
    path(
        P + "timesheets/<str:timesheet_id>/approve/",
        timesheets.TimesheetApproveView.as_view(),
        name="execution-timesheet-approve",
    ),
    path(
        P + "timesheets/<str:timesheet_id>/reject/",
        timesheets.TimesheetRejectView.as_view(),
        name="execution-timesheet-reject",
    ),
    path(
        P + "timesheets/<str:timesheet_id>/reopen/",
        timesheets.TimesheetReopenView.as_view(),
        name="execution-timesheet-reopen",
    ),
]

urlpatterns: list[URLPattern] = [
    path("me/work/", my_work.MyWorkView.as_view(), name="execution-my-work"),
    path(
        "portfolio/resource-load/",
        ResourceLoadView.as_view(),
        name="portfolio-resource-load",
    ),
    *progress_urlpatterns,
    *timesheet_urlpatterns,
    *STATUS_UPDATES.api_urls(),
]
