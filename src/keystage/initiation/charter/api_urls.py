"""REST routes of the charter, mounted under /api/v1/."""

from django.urls import URLPattern, path

from keystage.initiation.charter import api

P = "projects/<str:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "charter/", api.CharterView.as_view(), name="planning-charter"),
    path(
        P + "charter/versions/",
        api.CharterVersionListView.as_view(),
        name="planning-charter-version-list",
    ),
    path(
        P + "charter/versions/<int:number>/",
        api.CharterVersionDetailView.as_view(),
        name="planning-charter-version-detail",
    ),
    path(
        P + "charter/versions/<int:number>/pdf",
        api.CharterVersionPdfView.as_view(),
        name="planning-charter-version-pdf",
    ),
]
