"""One module per public source: its registry entry (``SOURCE``) and ``parse``.

The module parses the raw files with Polars into frames; ``sql/sources/<slug>.sql``
maps those frames onto the contract. See docs/adding-a-source.md.
"""
