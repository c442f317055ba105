"""REST routes of keystage.interop, mounted under /api/v1/ in the ``api`` namespace."""

from django.urls import URLPattern, path

from keystage.interop.export_api import ExportView

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "export/<str:export_format>/", ExportView.as_view(), name="interop-export"),
]
