"""The commitment module's use cases, one file per life-cycle stage (see service.py)."""
