"""Top-level routes: pages, the REST API under /api/v1/, its schema and Swagger UI."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csp import csp_override
from django.views.defaults import page_not_found
from drf_spectacular.views import SpectacularSwaggerSplitView

from keystage.accounts import api as accounts_api
from keystage.accounts import api_admin as accounts_admin_api
from keystage.closing import api_urls as closing_api_urls
from keystage.control import api_urls as control_api_urls
from keystage.core.openapi import SchemaView
from keystage.costs import api_urls as costs_api_urls
from keystage.costs import urls as costs_urls
from keystage.execution import api_urls as execution_api_urls
from keystage.initiation import api_urls as initiation_api_urls
from keystage.initiation.charter import api_urls as charter_api_urls
from keystage.initiation.charter import urls as charter_urls
from keystage.interop import api_urls as interop_api_urls
from keystage.notifications import api_urls as notifications_api_urls
from keystage.planning import api_urls as planning_api_urls
from keystage.planning import urls as planning_urls
from keystage.portfolio import api as portfolio_api
from keystage.portfolio import dashboard_views as portfolio_dashboard
from keystage.quality import api_urls as quality_api_urls
from keystage.resources import api_urls as resources_api_urls
from keystage.risks import api_urls as risks_api_urls
from keystage.staffing import api_urls as staffing_api_urls
from keystage.staffing import urls as staffing_urls

api_v1 = [
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("users/", accounts_api.UserListView.as_view(), name="user-list"),
    path("org/users/", accounts_admin_api.ManagedUserListView.as_view(), name="org-user-list"),
    path("org/", accounts_admin_api.OrganisationView.as_view(), name="organisation"),
    path(
        "org/users/<str:user_id>/",
        accounts_admin_api.ManagedUserDetailView.as_view(),
        name="org-user-detail",
    ),
    path(
        "org/users/<str:user_id>/revoke-tokens/",
        accounts_admin_api.ManagedUserRevokeView.as_view(),
        name="org-user-revoke",
    ),
    path("auth/tokens/", accounts_api.TokenListCreateView.as_view(), name="token-list"),
    path(
        "auth/tokens/<str:token_key>/",
        accounts_api.TokenRevokeView.as_view(),
        name="token-detail",
    ),
    path("projects/", portfolio_api.ProjectListCreateView.as_view(), name="project-list"),
    path(
        "projects/<str:project_id>/",
        portfolio_api.ProjectDetailView.as_view(),
        name="project-detail",
    ),
    path(
        "projects/<str:project_id>/members/",
        portfolio_api.MemberListCreateView.as_view(),
        name="member-list",
    ),
    path(
        "projects/<str:project_id>/members/<str:member_id>/",
        portfolio_api.MemberDetailView.as_view(),
        name="member-detail",
    ),
    path(
        "projects/<str:project_id>/gates/",
        portfolio_api.GateListCreateView.as_view(),
        name="gate-list",
    ),
    path(
        "projects/<str:project_id>/reopen/",
        portfolio_api.ProjectReopenView.as_view(),
        name="project-reopen",
    ),
    path(
        "projects/<str:project_id>/history/",
        portfolio_api.ProjectHistoryView.as_view(),
        name="project-history",
    ),
    path(
        "portfolio/dashboard/",
        portfolio_dashboard.DashboardView.as_view(),
        name="portfolio-dashboard",
    ),
    *initiation_api_urls.urlpatterns,
    *resources_api_urls.urlpatterns,
    *planning_api_urls.urlpatterns,
    *staffing_api_urls.urlpatterns,
    *execution_api_urls.urlpatterns,
    *costs_api_urls.urlpatterns,
    *risks_api_urls.urlpatterns,
    *quality_api_urls.urlpatterns,
    *control_api_urls.urlpatterns,
    *closing_api_urls.urlpatterns,
    *interop_api_urls.urlpatterns,
    *charter_api_urls.urlpatterns,
    *notifications_api_urls.urlpatterns,
]

# Stage 2's pages keep their ``planning:`` URL names wherever their app now lives
# (docs/adr: the apps cut), so templates, bookmarks and tests name them as before.
planning_pages = [
    *planning_urls.urlpatterns,
    *staffing_urls.urlpatterns,
    *costs_urls.urlpatterns,
    *charter_urls.urlpatterns,
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Swagger UI sets inline styles as it renders; only this page allows them.
        csp_override({**settings.SECURE_CSP, "style-src": ["'self'", "'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("accounts/", include("keystage.accounts.urls")),
    path("", include((planning_pages, "planning"))),
    path("", include("keystage.interop.urls")),
    path("", include("keystage.closing.urls")),
    path("", include("keystage.control.urls")),
    path("", include("keystage.quality.urls")),
    path("", include("keystage.risks.urls")),
    path("", include("keystage.execution.urls")),
    path("", include("keystage.resources.urls")),
    path("", include("keystage.initiation.urls")),
    path("", include("keystage.initiation.intake_urls")),
    path("", include("keystage.notifications.urls")),
    path("", include("keystage.portfolio.urls")),
]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 as JSON under /api/, as a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


handler404 = not_found
