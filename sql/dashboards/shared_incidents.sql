-- How many incidents each combination of sources shares, from incident_links
-- (incident_id, source, source_record_id): one row per combination.
WITH per_incident AS (
    SELECT incident_id,
           string_agg(DISTINCT source, ' + ' ORDER BY source) AS sources,
           count(DISTINCT source) AS source_count
    FROM incident_links
    GROUP BY incident_id
)
SELECT sources, source_count, count(*) AS incidents
FROM per_incident
GROUP BY ALL
ORDER BY incidents DESC, sources
