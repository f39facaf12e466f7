-- Incidents, killed, injured and killed per incident by location type per source.
CREATE TABLE metric_casualties_by_location AS
SELECT
    source, location_type,
    count(*) AS n,
    count(killed) AS killed_n_known,
    sum(killed)::INTEGER AS killed,
    count(injured) AS injured_n_known,
    sum(injured)::INTEGER AS injured,
    sum(killed) / nullif(count(killed), 0) AS killed_per_incident
FROM source_records
GROUP BY ALL
ORDER BY source, n DESC, location_type;  -- ties in a stable order

COMMENT ON TABLE metric_casualties_by_location IS 'Incidents, victims killed and injured, and killed per incident, by location type per source. Descriptive: places differ in who is there and how many, not only in how attacks unfold.';
COMMENT ON COLUMN metric_casualties_by_location.source IS 'Source slug.';
COMMENT ON COLUMN metric_casualties_by_location.location_type IS 'Location type (contract vocabulary).';
COMMENT ON COLUMN metric_casualties_by_location.n IS 'Records (incidents as the source defines them).';
COMMENT ON COLUMN metric_casualties_by_location.killed_n_known IS 'Records whose killed is known.';
COMMENT ON COLUMN metric_casualties_by_location.killed IS 'Victims killed, over records where known.';
COMMENT ON COLUMN metric_casualties_by_location.injured_n_known IS 'Records whose injured is known.';
COMMENT ON COLUMN metric_casualties_by_location.injured IS 'Victims injured, over records where known.';
COMMENT ON COLUMN metric_casualties_by_location.killed_per_incident IS 'killed / killed_n_known.';
