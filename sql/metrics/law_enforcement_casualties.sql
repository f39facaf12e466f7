-- Officers killed and wounded per year, where a source counts them apart
-- (ALERRT kill_le_tot / wound_le_tot; Stanford enforcement columns).
CREATE TABLE metric_law_enforcement_casualties AS
SELECT
    source,
    year(incident_date) AS year,
    count(*) AS n,
    count(officers_killed) AS n_known,
    sum(officers_killed)::INTEGER AS officers_killed,
    sum(officers_injured)::INTEGER AS officers_injured,
    count(*) FILTER (officers_killed + officers_injured > 0) AS incidents_with_officer_casualties
FROM source_records
WHERE source IN (SELECT source FROM source_records GROUP BY 1
                 HAVING count(officers_killed) > 0)
GROUP BY ALL
ORDER BY source, year;

COMMENT ON TABLE metric_law_enforcement_casualties IS 'Law-enforcement officers killed and wounded per year, for sources that count them separately from other victims (ALERRT, Stanford MSA).';
COMMENT ON COLUMN metric_law_enforcement_casualties.source IS 'Source slug.';
COMMENT ON COLUMN metric_law_enforcement_casualties.year IS 'Year of the incident.';
COMMENT ON COLUMN metric_law_enforcement_casualties.n IS 'Records in the year.';
COMMENT ON COLUMN metric_law_enforcement_casualties.n_known IS 'Records where officer casualties are known.';
COMMENT ON COLUMN metric_law_enforcement_casualties.officers_killed IS 'Officers killed.';
COMMENT ON COLUMN metric_law_enforcement_casualties.officers_injured IS 'Officers injured.';
COMMENT ON COLUMN metric_law_enforcement_casualties.incidents_with_officer_casualties IS 'Records in which at least one officer was killed or injured.';
