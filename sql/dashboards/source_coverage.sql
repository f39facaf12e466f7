-- One line per source for captions and the sources table: definition,
-- coverage (records with a date, with killed known) and as-of dates.
SELECT
    s.source, s.title, s.publisher, s.definition, s.licence, s.attribution,
    s.homepage, array_to_string(s.tags, ', ') AS tags,
    s.records,
    count(r.incident_date) AS dated,
    count(r.killed) AS killed_known,
    s.first_date, s.last_date,
    s.pinned_commit
FROM sources AS s
LEFT JOIN source_records AS r USING (source)
GROUP BY ALL
ORDER BY s.source
