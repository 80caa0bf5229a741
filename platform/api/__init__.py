"""The REST API under /api/v1 (flask-smorest)."""
