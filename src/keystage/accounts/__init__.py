"""Users, organisations, roles, login and API tokens."""
