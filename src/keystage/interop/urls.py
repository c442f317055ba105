"""Pages of keystage.interop (namespace ``interop``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.interop import views

app_name = "interop"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "export/", views.export_page, name="export"),
    path(P + "export/<str:export_format>/", views.export_download, name="export-download"),
]
