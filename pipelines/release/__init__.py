"""Citable, versioned releases of the published warehouse (``incidents release``).

A release is a frozen, self-describing copy a paper can point to:
``dist/incidents-<version>/`` and its ``.zip`` (see :mod:`pipelines.release.bundle`).
"""
