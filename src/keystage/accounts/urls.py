"""Account pages: sign-in, sign-out, passwords, API tokens, user administration."""

from django.contrib.auth import views as auth_views
from django.urls import path

from keystage.accounts import admin_views, organisation_views, password_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        password_views.PasswordResetView.as_view(),
        name="password-reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("password/", password_views.PasswordChangeView.as_view(), name="password-change"),
    path("users/", admin_views.user_admin, name="user-admin"),
    path("organisation/", organisation_views.organisation_settings, name="organisation"),
    path("users/<str:user_id>/", admin_views.user_admin_update, name="user-admin-update"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<str:token_key>/revoke/", views.token_revoke, name="token-revoke"),
    path("calendar/", views.calendar_token_create, name="calendar-token"),
    path("calendar/revoke/", views.calendar_token_revoke, name="calendar-token-revoke"),
]
