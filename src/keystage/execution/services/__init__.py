"""Writes of keystage.execution, one module per subdomain."""
