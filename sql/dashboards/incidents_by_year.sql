-- Overview chart: incidents, killed and injured per year per source, from
-- metric_incidents_by_year. Years inside a source's span with no record are
-- filled with 0 (so a line does not bridge a gap); undated records are left
-- out here and counted in the caption. Partial last years and collection notes
-- are added by pipelines/dashboards/time_marks.py (partial_years.sql), one rule
-- for every time chart.
WITH span AS (
    SELECT source, min(year) AS first_year, max(year) AS last_year
    FROM metric_incidents_by_year
    WHERE year IS NOT NULL
    GROUP BY source
),
years AS (
    SELECT source, unnest(range(first_year, last_year + 1)) AS year FROM span
)
SELECT
    y.source,
    y.year::INTEGER AS year,
    coalesce(m.n, 0) AS incidents,
    coalesce(m.killed, 0) AS killed,
    coalesce(m.killed_n_known, 0) AS killed_n_known,
    coalesce(m.injured, 0) AS injured,
    coalesce(m.injured_n_known, 0) AS injured_n_known
FROM years AS y
JOIN sources AS s USING (source)
LEFT JOIN metric_incidents_by_year AS m USING (source, year)
ORDER BY y.source, y.year
