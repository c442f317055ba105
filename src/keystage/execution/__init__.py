"""Stage 3, execution: the work recorded — timesheets, progress, status updates."""
