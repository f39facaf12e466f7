"""Record linkage: which source records describe the same real-world attack.

``build_links(con, previous_warehouse)`` (in :mod:`pipelines.linkage.link`) adds
``incidents``, ``incident_links`` and ``discrepancies`` to a warehouse being built.
See docs/linkage.md for the rules and their measured precision and recall.
"""
