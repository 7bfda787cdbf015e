"""HTTP API (FastAPI): a thin shell that parses requests, calls the engine, shapes responses."""
