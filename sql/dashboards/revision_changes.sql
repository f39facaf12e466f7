-- Every row of each source's latest revision: added and removed records, and
-- each changed field with its old and new value.
WITH latest AS (
    SELECT source, max(revised_at) AS revised_at FROM source_revisions GROUP BY source
)
SELECT r.source, r.revised_at, r.change, r.source_record_id, r.field,
       r.old_value, r.new_value
FROM source_revisions AS r
JOIN latest USING (source, revised_at)
ORDER BY r.revised_at DESC, r.source, r.change, r.source_record_id, r.field
