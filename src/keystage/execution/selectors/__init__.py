"""Reads of keystage.execution, one module per subdomain."""
