"""Domain errors raised by services and selectors, mapped to HTTP by the interfaces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """Base class of every error a service raises on purpose."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """Input that breaks a rule; carries messages per field."""

    status_code = 400

    def __init__(self, errors: Mapping[str, list[str] | str]) -> None:
        self.errors: dict[str, list[str]] = {
            field: [msg] if isinstance(msg, str) else list(msg) for field, msg in errors.items()
        }
        first = next(iter(self.errors.items()))
        super().__init__(f"{first[0]}: {first[1][0]}")


class NotFound(DomainError):
    """The object does not exist or the user may not know that it exists."""

    status_code = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    """The user sees the object but the role does not allow this action."""

    status_code = 403


class VersionRequired(DomainError):
    """An edit arrived without the version it was based on."""

    status_code = 428

    def __init__(self) -> None:
        super().__init__(
            "This edit must say which version it changes: send 'version' "
            "(or an If-Match header) with the value you last read."
        )


class Conflict(DomainError):
    """Someone else changed the record since the given version was read."""

    status_code = 409

    def __init__(self, current: Any, message: str | None = None) -> None:
        super().__init__(
            message
            or "This record was changed by someone else since you loaded it. "
            "Review the current values and apply your change again."
        )
        self.current = current
