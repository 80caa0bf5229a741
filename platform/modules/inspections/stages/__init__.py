"""The inspections use cases, one file per life-cycle stage (see ../service.py)."""
