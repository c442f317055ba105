"""Pages of keystage.interop (namespace ``interop``), under the project like the other tabs."""

from django.urls import URLPattern, path

from keystage.core.middleware import accepts_uploads
from keystage.interop import export_views, template_views, views
from keystage.interop.services import MAX_UPLOAD

app_name = "interop"

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "import/", accepts_uploads(views.import_page, limit=MAX_UPLOAD), name="import"),
    path(P + "import/confirm/", views.import_confirm, name="import-confirm"),
    path(P + "export/", export_views.export_page, name="export"),
    path(P + "export/<str:export_format>/", export_views.export_download, name="export-download"),
    path(
        "projects/new/import/",
        accepts_uploads(views.import_new_page, limit=MAX_UPLOAD),
        name="import-new",
    ),
    path("projects/new/import/confirm/", views.import_new_confirm, name="import-new-confirm"),
    path(
        "projects/new/from-template/",
        accepts_uploads(template_views.project_from_template, limit=MAX_UPLOAD),
        name="project-from-template",
    ),
]
