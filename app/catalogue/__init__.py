"""Catalogue files: reading them (any format sellers have) and screening them as jobs."""
