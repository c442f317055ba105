"""Pages of the charter.

They keep the ``planning:`` URL names they had before the charter moved to initiation;
``config.urls`` mounts them in that namespace.
"""

from django.urls import URLPattern, path

from keystage.initiation.charter import views

P = "projects/<uuid:project_id>/"

urlpatterns: list[URLPattern] = [
    path(P + "charter/", views.charter_page, name="charter"),
    path(P + "charter/regenerate/", views.charter_regenerate, name="charter-regenerate"),
    path(
        P + "charter/versions/<int:number>/pdf",
        views.charter_pdf,
        name="charter-pdf",
    ),
]
