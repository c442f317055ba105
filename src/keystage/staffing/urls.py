"""Pages of keystage.staffing: assignments, skill needs and the recommender.

They keep the ``planning:`` URL names they had before staffing became its own app;
``config.urls`` mounts them in that namespace.
"""

from django.urls import URLPattern, path

from keystage.staffing import views

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "assignments/", views.assignments_page, name="assignments"),
    path(
        P + "assignments/recommend/",
        views.recommend_all,
        name="assignment-recommend",
    ),
    path(
        P + "assignments/<uuid:assignment_id>/",
        views.assignment_edit,
        name="assignment-edit",
    ),
    path(
        P + "assignments/tasks/<uuid:task_id>/new/",
        views.assignment_create,
        name="assignment-create",
    ),
    path(
        P + "assignments/tasks/<uuid:task_id>/candidates/",
        views.candidates,
        name="assignment-candidates",
    ),
    path(
        P + "assignments/tasks/<uuid:task_id>/accept/",
        views.accept,
        name="assignment-accept",
    ),
    path(
        P + "assignments/tasks/<uuid:task_id>/skills/new/",
        views.skill_need_create,
        name="assignment-skill-create",
    ),
    path(
        P + "assignments/tasks/<uuid:task_id>/skills/<uuid:skill_need_id>/",
        views.skill_need_edit,
        name="assignment-skill-edit",
    ),
]
