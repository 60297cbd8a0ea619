"""The HTTP API: FastAPI app, schemas, one JSON error shape, and the web chat page."""
