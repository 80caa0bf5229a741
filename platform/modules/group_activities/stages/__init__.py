"""The stages of the group-activities module (代表小组活动)."""
