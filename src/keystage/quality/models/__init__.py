"""Models of keystage.quality, one module per record kind."""
