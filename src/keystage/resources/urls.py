"""Pages of keystage.resources."""

from django.urls import URLPattern

app_name = "resources"

urlpatterns: list[URLPattern] = []
