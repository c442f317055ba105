"""Models of keystage.execution, one module per subdomain."""

from keystage.execution.models.status_updates import Health, StatusUpdate

__all__ = ["Health", "StatusUpdate"]
