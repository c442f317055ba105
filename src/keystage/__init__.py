"""Keystage: IT project management from idea to closure."""
