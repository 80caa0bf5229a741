"""The consultations' use cases by life-cycle stage (service.py re-exports them)."""
