"""Pages of keystage.interop (namespace ``interop``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.interop import export_views

app_name = "interop"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "export/", export_views.export_page, name="export"),
    path(P + "export/<str:export_format>/", export_views.export_download, name="export-download"),
]
