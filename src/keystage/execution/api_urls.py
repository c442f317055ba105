"""API routes of keystage.execution (mounted under /api/v1/)."""

from django.urls import URLPattern

from keystage.execution.status_updates import STATUS_UPDATES

urlpatterns: list[URLPattern] = [
    *STATUS_UPDATES.api_urls(),
]
