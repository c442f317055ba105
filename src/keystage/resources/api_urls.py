"""REST routes of keystage.resources, mounted under /api/v1/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
