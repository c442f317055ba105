"""The project status report: generated from live data for a reporting period, issued as
immutable numbered snapshots (page, PDF, API, command line)."""
