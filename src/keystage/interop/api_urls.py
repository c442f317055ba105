"""REST routes of keystage.interop, mounted under /api/v1/ in the ``api`` namespace."""

from django.urls import URLPattern, path

from keystage.interop.template_api import ProjectFromTemplateView

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(
        "projects-from-template/",
        ProjectFromTemplateView.as_view(),
        name="project-from-template",
    ),
]
