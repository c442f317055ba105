"""Pages of the control stage, one module per concern."""
