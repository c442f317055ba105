"""Suggestions for a new project's plan, provided by apps above planning.

Planning sits below closing, so it cannot read lessons learned itself: closing registers a
provider when it is ready (``register_plan_suggestions``), and the Goals & scope page
shows what the providers return while the project is in Initiation or Planning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class PlanSuggestion:
    """One suggestion: a lesson of a past project, why it is suggested, and where to read it."""

    title: str
    text: str
    source: str
    reason: str
    url: str


Provider = Callable[[Any, Any], Sequence[PlanSuggestion]]

_PROVIDERS: list[Provider] = []


def register_plan_suggestions(provider: Provider) -> None:
    """Add ``provider(who, project)`` (registering twice is harmless)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def plan_suggestions(*, who: Any, project: Any) -> list[PlanSuggestion]:
    """Every provider's suggestions for ``project`` as ``who`` sees them."""
    return [item for provider in _PROVIDERS for item in provider(who, project)]
