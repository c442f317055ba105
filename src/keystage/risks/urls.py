"""Pages of keystage.risks (namespace ``risks``), under the project like the other tabs."""

from django.urls import URLPattern

app_name = "risks"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = []
