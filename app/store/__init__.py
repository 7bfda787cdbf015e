"""The list store: brands, sensitive terms, allowlist and the audit log in a SQL database
(SQLite by default, PostgreSQL by URL), seeded from data/ on first start."""
from app.store.store import AuthError, Conflict, NotFound, Store, open_store

__all__ = ["AuthError", "Conflict", "NotFound", "Store", "open_store"]
