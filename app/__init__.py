"""Listing infringement pre-screener: engine, list loading, HTTP API and CLI."""

__version__ = "0.1.0"
