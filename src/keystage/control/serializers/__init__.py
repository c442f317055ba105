"""API representations of the control stage, one module per concern."""
