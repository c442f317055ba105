"""Pages of keystage.quality (namespace ``quality``), under the project like the other tabs."""

from django.urls import URLPattern

app_name = "quality"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = []
