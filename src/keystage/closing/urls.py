"""Pages of keystage.closing (namespace ``closing``), under the project like the other tabs."""

from django.urls import URLPattern

app_name = "closing"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = []
