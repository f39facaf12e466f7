-- One line per source for chart captions: definition, coverage and as-of dates.
SELECT
    s.source, s.title, s.publisher, s.definition, s.licence, s.attribution,
    s.records,
    count(r.incident_date) AS dated,
    count(r.killed) AS killed_known,
    s.first_date, s.last_date,
    s.pinned_commit
FROM sources AS s
LEFT JOIN source_records AS r USING (source)
GROUP BY ALL
ORDER BY s.source
