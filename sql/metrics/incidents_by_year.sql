-- Incidents, killed and injured per year per source. Each source counts what
-- its own definition counts, so the gaps between lines are definitional:
-- GVA (4+ shot) lists hundreds of mass shootings a year where Mother Jones
-- (indiscriminate public, 3-4+ killed) lists a handful. Undated records are
-- kept in a row with year NULL. The 'linked' rows count real-world incidents
-- (the `incidents` table) once however many sources list them.
CREATE TABLE metric_incidents_by_year AS
WITH rows AS (
    SELECT source, incident_date, killed, injured FROM source_records
    UNION ALL
    SELECT 'linked', incident_date, killed, injured FROM incidents
)
SELECT
    source,
    year(incident_date) AS year,
    count(*) AS n,
    count(killed) AS killed_n_known,
    sum(killed)::INTEGER AS killed,
    count(injured) AS injured_n_known,
    sum(injured)::INTEGER AS injured
FROM rows
GROUP BY ALL
ORDER BY source, year;

COMMENT ON TABLE metric_incidents_by_year IS 'Incidents, killed and injured per year per source, and for linked incidents (source linked: every source''s records linked into real-world incidents, each counted once, with best-estimate casualties). Sources differ in what they count (see sources.definition): differences between sources are definitional, not trends. Undated records have year NULL.';
COMMENT ON COLUMN metric_incidents_by_year.source IS 'Source slug, or linked for the linked incidents of every source counted once.';
COMMENT ON COLUMN metric_incidents_by_year.year IS 'Year of incident_date; NULL for undated records.';
COMMENT ON COLUMN metric_incidents_by_year.n IS 'Records (incidents as the source defines them).';
COMMENT ON COLUMN metric_incidents_by_year.killed_n_known IS 'Records whose killed is known.';
COMMENT ON COLUMN metric_incidents_by_year.killed IS 'Victims killed, summed over records where known.';
COMMENT ON COLUMN metric_incidents_by_year.injured_n_known IS 'Records whose injured is known.';
COMMENT ON COLUMN metric_incidents_by_year.injured IS 'Victims injured, summed over records where known.';
