"""Page routes of keystage.notifications."""

from django.urls import URLPattern, path

from keystage.notifications import views

app_name = "notifications"

T = "projects/<uuid:project_id>/threads/<str:kind>/<uuid:thread_id>/"

urlpatterns: list[URLPattern] = [
    path("notifications/", views.notifications_page, name="list"),
    path("notifications/read-all/", views.notifications_read_all, name="read-all"),
    path("notifications/settings/", views.preferences_page, name="preferences"),
    path("notifications/<uuid:notification_id>/open/", views.notification_open, name="open"),
    path(T, views.thread, name="thread"),
    path(T + "<uuid:comment_id>/", views.comment_change, name="comment"),
]
