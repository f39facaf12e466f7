-- Incidents, killed and injured per year per source, with how many records had
-- each field, so the chart can state its coverage. Records without a date are
-- counted in `undated` rather than dropped.
WITH per_year AS (
    SELECT
        source,
        year(incident_date) AS year,
        count(*) AS incidents,
        sum(killed)::INTEGER AS killed,
        count(killed) AS killed_known,
        sum(injured)::INTEGER AS injured,
        count(injured) AS injured_known
    FROM source_records
    WHERE incident_date IS NOT NULL
    GROUP BY ALL
)
SELECT p.*, s.title, s.definition
FROM per_year AS p
JOIN sources AS s USING (source)
ORDER BY source, year
