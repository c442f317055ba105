"""Reports, charts and dashboards built from live project data (read-only)."""
