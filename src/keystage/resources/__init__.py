"""People, skills, capacity, rates, personal calendars, equipment and procurement."""
