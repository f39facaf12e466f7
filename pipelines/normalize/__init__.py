"""Normalized layer: each source parsed (Polars) and mapped (DuckDB SQL) onto one contract."""
