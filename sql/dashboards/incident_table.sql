-- The incidents page: one row per source record, trimmed to what the table
-- shows. Place is the city, else the county, else the source's incident name.
SELECT
    strftime(incident_date, '%Y-%m-%d') AS date,
    coalesce(city, county, incident_name) AS place,
    state,
    killed,
    injured,
    attacker_outcome AS outcome,
    source
FROM source_records
ORDER BY incident_date DESC NULLS LAST, source, state
