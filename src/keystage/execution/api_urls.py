"""REST routes of keystage.execution, mounted under /api/v1/."""

from django.urls import URLPattern, path

from keystage.execution.api import timesheets as api

P = "projects/<str:project_id>/"

timesheet_urlpatterns: list[URLPattern] = [
    path(P + "time-entries/", api.TimeEntryListView.as_view(), name="execution-time-entry-list"),
    path(
        P + "time-entries/<str:time_entry_id>/",
        api.TimeEntryDetailView.as_view(),
        name="execution-time-entry-detail",
    ),
    path(P + "timesheets/", api.TimesheetListView.as_view(), name="execution-timesheet-list"),
    path(
        P + "timesheets/totals/",
        api.TimesheetTotalsView.as_view(),
        name="execution-timesheet-totals",
    ),
    path(
        P + "timesheets/settings/",
        api.TimesheetSettingsView.as_view(),
        name="execution-timesheet-settings",
    ),
    path(
        P + "timesheets/week/<str:week>/",
        api.WeekView.as_view(),
        name="execution-timesheet-week",
    ),
    path(
        P + "timesheets/<str:timesheet_id>/",
        api.TimesheetDetailView.as_view(),
        name="execution-timesheet-detail",
    ),
    path(
        P + "timesheets/<str:timesheet_id>/submit/",
        api.TimesheetSubmitView.as_view(),
        name="execution-timesheet-submit",
    ),
    path(
        P + "timesheets/<str:timesheet_id>/approve/",
        api.TimesheetApproveView.as_view(),
        name="execution-timesheet-approve",
    ),
    path(
        P + "timesheets/<str:timesheet_id>/reject/",
        api.TimesheetRejectView.as_view(),
        name="execution-timesheet-reject",
    ),
]

urlpatterns: list[URLPattern] = [*timesheet_urlpatterns]
