"""Feature modules and their registry."""
