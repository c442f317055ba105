"""REST routes of keystage.interop, mounted under /api/v1/ in the ``api`` namespace."""

from django.urls import URLPattern, path

from keystage.core.middleware import accepts_uploads
from keystage.interop import api
from keystage.interop.export_api import ExportView
from keystage.interop.services import MAX_UPLOAD
from keystage.interop.template_api import ProjectFromTemplateView

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(
        P + "imports/",
        accepts_uploads(api.ImportListView.as_view(), limit=MAX_UPLOAD),
        name="interop-imports",
    ),
    path(
        "imports/",
        accepts_uploads(api.NewProjectImportView.as_view(), limit=MAX_UPLOAD),
        name="interop-new-project-import",
    ),
    path(P + "export/<str:export_format>/", ExportView.as_view(), name="interop-export"),
    path(
        "projects-from-template/",
        accepts_uploads(ProjectFromTemplateView.as_view(), limit=MAX_UPLOAD),
        name="project-from-template",
    ),
]
