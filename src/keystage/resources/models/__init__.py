"""Models of keystage.resources, one module per subdomain; import them here so Django finds them."""
