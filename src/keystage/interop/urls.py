"""Pages of keystage.interop (namespace ``interop``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.interop import template_views

app_name = "interop"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(
        "projects/new/from-template/",
        template_views.project_from_template,
        name="project-from-template",
    ),
]
