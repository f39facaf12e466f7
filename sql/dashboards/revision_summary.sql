-- The latest revision of each source that has one: when the refresh saw it, the
-- snapshots it went from and to, and how many records were added, removed and
-- changed (with how many fields). One revision's rows share its revised_at.
WITH latest AS (
    SELECT source, max(revised_at) AS revised_at FROM source_revisions GROUP BY source
)
SELECT
    r.source,
    r.revised_at,
    any_value(r.old_sha256) AS old_sha256,
    any_value(r.new_sha256) AS new_sha256,
    count(*) FILTER (WHERE r.change = 'added') AS added,
    count(*) FILTER (WHERE r.change = 'removed') AS removed,
    count(DISTINCT r.source_record_id) FILTER (WHERE r.change = 'changed') AS changed_records,
    count(*) FILTER (WHERE r.change = 'changed') AS changed_fields
FROM source_revisions AS r
JOIN latest USING (source, revised_at)
GROUP BY r.source, r.revised_at
ORDER BY r.revised_at DESC, r.source
