"""Callbacks higher apps register for project edits that move their own records.

The portfolio sits below the apps that own a project's plan, so it cannot call
them. An app registers a callback from its ``AppConfig.ready()``; the portfolio's
service calls it explicitly, in the same transaction as the edit, so a project's
derived records never lag behind the project (e.g. the plan's dates behind its start).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StartMoved = Callable[[Any], None]
Reopened = Callable[..., None]

_START_MOVED: list[StartMoved] = []
_REOPENED: list[Reopened] = []


def register_start_moved(callback: StartMoved) -> None:
    """Call ``callback(project)`` when a project's start date changes (idempotent)."""
    if callback not in _START_MOVED:
        _START_MOVED.append(callback)


def project_start_moved(project: Any) -> None:
    """Tell every registered app that ``project`` starts on another date now."""
    for callback in _START_MOVED:
        callback(project)


FiguresMoved = Callable[[Any], None]

_FIGURES_MOVED: list[FiguresMoved] = []


def register_figures_moved(callback: FiguresMoved) -> None:
    """Call ``callback(project)`` after a write that moves the project's monitored figures
    (progress, approved time, costs, the data date, a goal measurement); idempotent."""
    if callback not in _FIGURES_MOVED:
        _FIGURES_MOVED.append(callback)


def project_figures_moved(project: Any) -> None:
    """Tell every registered app that ``project``'s figures moved. Callers are services,
    inside their transaction; the callbacks defer their work to the commit themselves."""
    for callback in _FIGURES_MOVED:
        callback(project)


def register_reopened(callback: Reopened) -> None:
    """Call ``callback(project, who=, reason=)`` when an administrator reopens a project
    (the notifications app tells its members; idempotent)."""
    if callback not in _REOPENED:
        _REOPENED.append(callback)


def project_reopened(project: Any, *, who: Any, reason: str) -> None:
    """Tell every registered app that ``project`` was reopened, in the reopening transaction."""
    for callback in _REOPENED:
        callback(project, who=who, reason=reason)
