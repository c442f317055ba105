"""Page routes of keystage.execution (mounted in the ``execution`` namespace)."""

from django.urls import URLPattern

from keystage.execution import status_updates

urlpatterns: list[URLPattern] = [
    *status_updates.page_urls(),
]
