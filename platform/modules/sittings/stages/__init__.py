"""The sitting-in use cases by life-cycle stage (service.py re-exports them)."""
