-- Records of each source that are linked to an incident, for the caption of
-- the shared-incidents chart: n_known = linked records, n = all records.
SELECT s.source, s.records AS n,
       count(DISTINCT l.source_record_id) AS n_known
FROM sources AS s
LEFT JOIN incident_links AS l USING (source)
WHERE s.records > 0
GROUP BY ALL
ORDER BY s.source
