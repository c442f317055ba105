"""Pages of keystage.execution: the project's progress (tasks, data date, reschedule)."""

from django.urls import URLPattern, path

from keystage.execution import views

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "progress/", views.progress_page, name="progress"),
    path(P + "progress/data-date/", views.data_date_edit, name="data-date"),
    path(P + "progress/reschedule/", views.reschedule, name="reschedule"),
    path(P + "progress/tasks/<uuid:task_id>/", views.task_progress_edit, name="task-progress"),
]
