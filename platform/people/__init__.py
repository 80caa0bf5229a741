"""The people of a township: representatives, groups, handling units, party members, households."""
