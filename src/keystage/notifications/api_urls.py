"""API routes of keystage.notifications (mounted under /api/v1/)."""

from django.urls import URLPattern, path

from keystage.notifications import api

urlpatterns: list[URLPattern] = [
    path("notifications/", api.NotificationListView.as_view(), name="notification-list"),
    path(
        "notifications/read-all/",
        api.NotificationReadAllView.as_view(),
        name="notification-read-all",
    ),
    path(
        "notifications/preferences/",
        api.PreferencesView.as_view(),
        name="notification-preferences",
    ),
    path(
        "notifications/<str:notification_id>/read/",
        api.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path("projects/<str:project_id>/comments/", api.CommentListView.as_view(), name="comment-list"),
    path(
        "projects/<str:project_id>/comments/<str:comment_id>/",
        api.CommentDetailView.as_view(),
        name="comment-detail",
    ),
]
