-- Records per source per year (metric_incidents_by_year): which source covers
-- which years. Undated records are left out and counted in the caption.
SELECT m.source, m.year::INTEGER AS year, m.n AS records, s.records AS source_records,
       strftime(s.first_date, '%Y-%m-%d') AS first_date,
       strftime(s.last_date, '%Y-%m-%d') AS last_date
FROM metric_incidents_by_year AS m
JOIN sources AS s USING (source)
WHERE m.year IS NOT NULL
ORDER BY m.source, m.year
