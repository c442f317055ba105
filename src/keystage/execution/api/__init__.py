"""The api of keystage.execution, one module per subdomain."""
