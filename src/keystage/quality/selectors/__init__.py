"""Reads of keystage.quality (through the project chokepoint where a user asks)."""
