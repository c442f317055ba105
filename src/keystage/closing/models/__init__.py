"""Models of keystage.closing, one module per record kind."""
