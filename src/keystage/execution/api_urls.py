"""REST routes of keystage.execution, mounted under /api/v1/."""

from django.urls import URLPattern, path

from keystage.execution import api

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(
        P + "tasks/<str:task_id>/progress/",
        api.TaskProgressView.as_view(),
        name="execution-task-progress",
    ),
    path(P + "data-date/", api.DataDateView.as_view(), name="execution-data-date"),
    path(P + "reschedule/", api.RescheduleView.as_view(), name="execution-reschedule"),
]
