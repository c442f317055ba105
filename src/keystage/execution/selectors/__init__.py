"""The selectors of keystage.execution, one module per subdomain."""
