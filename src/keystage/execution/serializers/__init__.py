"""The serializers of keystage.execution, one module per subdomain."""
