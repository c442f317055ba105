"""Pages of keystage.interop (namespace ``interop``), under the project like the other tabs."""

from django.urls import URLPattern

app_name = "interop"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = []
