-- Records per location type per source, as a share of the source's records,
-- with victims killed and injured and killed per incident
-- (metric_casualties_by_location).
SELECT
    source, location_type, n AS incidents,
    (sum(n) OVER (PARTITION BY source))::BIGINT AS source_records,
    round(n / sum(n) OVER (PARTITION BY source), 4) AS share_of_source,
    killed, killed_n_known, injured, injured_n_known,
    round(killed_per_incident, 2) AS killed_per_incident
FROM metric_casualties_by_location
ORDER BY source, location_type
