"""Casework: every request recorded, routed, answered on time, rated."""
