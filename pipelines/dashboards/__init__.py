"""Dashboards layer: static pages with Altair charts that open offline."""
