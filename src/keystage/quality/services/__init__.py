"""Writes of keystage.quality that are more than a plain record (the kits are in ``records``)."""
