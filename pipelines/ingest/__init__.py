"""Raw layer: download public files and keep them as immutable, verified snapshots."""
