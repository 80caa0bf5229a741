"""The by-elections' use cases, one file per stage of the life cycle."""
