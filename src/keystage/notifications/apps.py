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
