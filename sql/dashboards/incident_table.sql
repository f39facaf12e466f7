-- The incidents page: one row per source record, trimmed to what the table
-- shows. Place is the city, else the county, else the source's incident name.
-- Outcome reads how, who and the attacker's fate ("shot by police; attacker died"),
-- each left out when unknown.
SELECT
    strftime(incident_date, '%Y-%m-%d') AS date,
    coalesce(city, county, incident_name) AS place,
    state,
    killed,
    injured,
    concat_ws('; ',
        CASE
            WHEN stopped_by IN ('police', 'off_duty_police', 'civilian', 'security')
                THEN replace(CASE end_method WHEN 'unknown' THEN 'stopped'
                                  ELSE end_method END, '_', ' ')
                     || ' by ' || replace(stopped_by, '_', ' ')
            WHEN end_method <> 'unknown' THEN replace(end_method, '_', ' ')
        END,
        CASE WHEN attacker_fate <> 'unknown' THEN 'attacker ' || attacker_fate END
    ) AS outcome,
    source
FROM source_records
ORDER BY incident_date DESC NULLS LAST, source, state
