"""REST endpoints of the control stage, one module per concern."""
