"""REST routes of keystage.interop, mounted under /api/v1/ in the ``api`` namespace."""

from django.urls import URLPattern

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = []
