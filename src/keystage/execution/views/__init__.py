"""The views of keystage.execution, one module per subdomain."""
