"""The liaison officers' board: every request of their units, filterable, with statistics and a CSV export."""
