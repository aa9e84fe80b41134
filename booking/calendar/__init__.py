"""Pure iCalendar building: feeds and the compact VTIMEZONE (no database, no Flask)."""
