"""Pages of keystage.execution (the ``execution:`` namespace): progress, timesheets, status."""

from django.urls import URLPattern, path

from keystage.execution import status_updates
from keystage.execution.views import calendar, my_work, progress, resource_load, timesheets

P = "projects/<uuid:project_id>/"

progress_urlpatterns: list[URLPattern] = [
    path(P + "progress/", progress.progress_page, name="progress"),
    path(P + "progress/data-date/", progress.data_date_edit, name="data-date"),
    path(P + "progress/reschedule/", progress.reschedule, name="reschedule"),
    path(P + "progress/tasks/<uuid:task_id>/", progress.task_progress_edit, name="task-progress"),
]

timesheet_urlpatterns: list[URLPattern] = [
    path(P + "timesheet/", timesheets.timesheet_page, name="timesheet"),
    path(P + "timesheet/<str:week>/", timesheets.week_page, name="timesheet-week"),
    path(P + "timesheet/<str:week>/submit/", timesheets.week_submit, name="timesheet-submit"),
    path(P + "timesheet/<str:week>/tasks/", timesheets.task_search, name="timesheet-task-search"),
    path(P + "timesheets/", timesheets.approvals_page, name="timesheet-approvals"),
    path(P + "timesheets/settings/", timesheets.settings_save, name="timesheet-settings"),
    path(
        P + "timesheets/<uuid:timesheet_id>/decide/",
        timesheets.timesheet_decide,
        name="timesheet-decide",
    ),
]

my_work_urlpatterns: list[URLPattern] = [
    path("my-work/", my_work.my_work_page, name="my-work"),
    path(
        "my-work/tasks/<uuid:task_id>/progress/",
        my_work.my_work_progress,
        name="my-work-progress",
    ),
    path("my-work/tasks/<uuid:task_id>/time/", my_work.my_work_time, name="my-work-time"),
    path("calendar/<str:token>.ics", calendar.calendar_feed_view, name="calendar-feed"),
    path("portfolio/resource-load/", resource_load.resource_load_page, name="resource-load"),
]

app_name = "execution"
urlpatterns: list[URLPattern] = [
    *my_work_urlpatterns,
    *progress_urlpatterns,
    *timesheet_urlpatterns,
    *status_updates.page_urls(),
]
