"""A test-only record kit: the project's routes plus one spec's generated ones."""

from django.urls import include, path

from keystage.config.urls import urlpatterns as project_urlpatterns
from keystage.planning.models import ScopeNote
from keystage.portfolio.record_kit import RecordKit, RecordSpec

SPEC = RecordSpec(
    model=ScopeNote,
    fields=("kind", "text"),
    noun="test note",
    slug="test-notes",
    title_field="text",
    intro="A record declared once, everything else generated.",
    namespace="kit",
)
KIT = RecordKit(SPEC)

urlpatterns = [
    path("kit-api/v1/", include((KIT.api_urls(), "kit-api"), namespace="kit-api")),
    path("", include((KIT.page_urls(), "kit"), namespace="kit")),
    *project_urlpatterns,
]
