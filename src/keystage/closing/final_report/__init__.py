"""The final report: generated from live data as a list of sections, issued as immutable
numbered snapshots (page, PDF, API, command line)."""
