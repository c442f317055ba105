"""App configuration for keystage.accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, organisations, roles and API tokens."""

    name = "keystage.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        """Register the system checks."""
        from keystage.accounts import checks  # noqa: F401
