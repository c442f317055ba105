"""Models of keystage.risks, one module per record kind."""
