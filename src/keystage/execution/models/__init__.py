"""Models of keystage.execution, one module per subdomain; import them here so Django finds them."""

from keystage.execution.models.labour import ApprovedLabourDay, ApprovedLabourTask
from keystage.execution.models.status_updates import Health, StatusUpdate
from keystage.execution.models.timesheets import (
    LOCKED_STATUSES,
    TimeEntry,
    Timesheet,
    TimesheetSettings,
    TimesheetStatus,
)

__all__ = [
    "LOCKED_STATUSES",
    "ApprovedLabourDay",
    "ApprovedLabourTask",
    "Health",
    "StatusUpdate",
    "TimeEntry",
    "Timesheet",
    "TimesheetSettings",
    "TimesheetStatus",
]
