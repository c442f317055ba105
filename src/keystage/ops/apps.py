"""App configuration for keystage.ops (deployment checks)."""

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations: registers the deployment checks; has no models."""

    name = "keystage.ops"
    label = "ops"
    verbose_name = "Keystage operations"

    def ready(self) -> None:
        """Register the system checks (`keystage check --deploy`)."""
        from keystage.ops import checks  # noqa: F401 - registers on import
