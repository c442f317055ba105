"""Running Keystage: data-directory permissions, static files, deployment checks,
the supervised server and its worker, backup and restore."""
