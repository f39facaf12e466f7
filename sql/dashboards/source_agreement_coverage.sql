-- Records of each source that share an incident with a record of another source
-- (so they can be compared), for the caption of the agreement chart:
-- n_known = such records, n = all records.
SELECT s.source, s.records AS n,
       count(DISTINCT a.source_record_id) AS n_known
FROM sources AS s
LEFT JOIN (
    SELECT a.source, a.source_record_id
    FROM incident_links AS a
    JOIN incident_links AS b ON a.incident_id = b.incident_id AND a.source <> b.source
) AS a USING (source)
WHERE s.records > 0
GROUP BY ALL
ORDER BY s.source
