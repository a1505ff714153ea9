"""timetable package."""
