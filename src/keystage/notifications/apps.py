"""App configuration for keystage.notifications."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """What happened that concerns me (assigned, mentioned …), and comments on records.

    It sits just above ``portfolio``: the apps above call :func:`services.notify` and
    register the records their threads hang on (:mod:`threads`); it never imports them.
    """

    name = "keystage.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        """Tell a project's members when an administrator reopens it."""
        from keystage.notifications.services import tell_project_reopened
        from keystage.portfolio.project_events import register_reopened

        register_reopened(tell_project_reopened)
