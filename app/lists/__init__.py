"""Loading and validating the curated lists in data/ (separate from matching)."""
from app.lists.loader import (
    ListError,
    build_engine,
    default_data_dir,
    load_lists,
    load_resources,
)

__all__ = ["ListError", "build_engine", "default_data_dir", "load_lists", "load_resources"]
