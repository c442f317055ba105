"""Models of keystage.planning, one module per subdomain; import them here so Django finds them."""
