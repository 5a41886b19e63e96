"""Deadlines: pure arithmetic (calc, periods, calendars, offsets, ical) plus, later, rows and reminders.

Importing this package must stay cheap and free of Flask and SQLAlchemy, so it re-exports
nothing; import from the submodules (``from lawreq.deadlines.calc import compute_deadline``).
"""
