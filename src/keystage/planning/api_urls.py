"""REST routes of keystage.planning, mounted under /api/v1/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
