"""Counties, townships (the tenant), module switches, branches."""
