-- Common last step for every source: attach the raw file's URL and sha256 and
-- add the generic quality flags to whatever flags the source's own SQL set.
-- Reads the source's `source_records` view, `_snapshots` (key, name, url, sha256),
-- `_rejects` (value-level rejects from parsing) and `_params` (first_date, last_date).
SELECT
    r.* EXCLUDE (quality_flags),
    list_distinct(list_concat(
        coalesce(r.quality_flags, []::VARCHAR[]),
        list_filter([
            CASE WHEN r.incident_date < p.first_date
                   OR r.incident_date > coalesce(p.last_date, current_date)
                 THEN 'date_out_of_range' END,
            CASE WHEN r.killed > 100 OR r.injured > 1000 THEN 'casualties_over_bound' END,
            CASE WHEN r.source_record_id IN (SELECT source_record_id FROM _rejects)
                 THEN 'value_rejected' END
        ], lambda f: f IS NOT NULL)
    )) AS quality_flags,
    s.url AS source_url,
    s.sha256 AS source_sha256
FROM source_records AS r
CROSS JOIN _params AS p
LEFT JOIN _snapshots AS s ON s.name = r.source_file
