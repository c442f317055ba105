"""Which project tab a page belongs to, for the tab bar in ``portfolio/_project_tabs.html``."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

#: Planning pages by the first word of their URL name; the rest are goals & scope.
PLANNING_TABS = ("charter", "budget", "schedule", "plan", "gantt", "assignment", "baseline")


@register.filter
def project_tab(match: Any) -> str:
    """The tab key of the page resolved as ``match`` (a ``ResolverMatch``)."""
    if match is None:
        return ""
    app, name = match.app_name, match.url_name or ""
    if app == "initiation":
        return "initiation"
    if app == "closing":
        return "closing"
    if app == "execution" and name.startswith("status"):
        return "status"
    if app == "risks" and (name.startswith("simulation") or name.startswith("estimates")):
        return "risk-analysis"
    if app == "risks":
        return "risks"
    if app == "control":
        if name.startswith("change"):
            return "changes"
        return "evm" if name == "evm" else "health"
    if app == "quality":
        return "quality"
    if app == "interop":
        return "export" if name.startswith("export") else "import"
    if app == "resources":
        return "team"
    if app == "execution":
        return "timesheets" if name.startswith("timesheet") else "progress"
    if app == "planning":
        tab = next((tab for tab in PLANNING_TABS if name.startswith(tab)), "goals")
        if name.startswith("costs"):  # the recorded costs belong to the budget
            return "budget"
        return "assignments" if tab == "assignment" else tab
    return {
        "project-detail": "overview",
        "gate-decide": "overview",
        "member-list": "members",
        "project-history": "history",
    }.get(name, "")
