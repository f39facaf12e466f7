"""Open warehouse of past US active-shooter incidents: the Dagster code location."""
