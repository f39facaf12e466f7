"""Curated layer: the published DuckDB warehouse, its Parquet export and its checks."""
