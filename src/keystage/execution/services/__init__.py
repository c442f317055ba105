"""The services of keystage.execution, one module per subdomain."""
