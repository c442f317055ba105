"""Stage 3, execution: the work recorded — progress, timesheets, status updates."""
