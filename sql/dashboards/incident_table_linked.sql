-- The incidents page when the warehouse links records into incidents: one row
-- per incident from `incidents` (contract column names), with the sources that
-- list it from incident_links. Place is the city, else the incident's name.
WITH listed AS (
    SELECT incident_id, string_agg(DISTINCT source, ' + ' ORDER BY source) AS source
    FROM incident_links
    GROUP BY incident_id
)
SELECT
    strftime(i.incident_date, '%Y-%m-%d') AS date,
    coalesce(i.city, i.incident_name) AS place,
    i.state,
    i.killed,
    i.injured,
    concat_ws('; ', CASE WHEN i.end_method <> 'unknown' THEN replace(i.end_method, '_', ' ') END,
              CASE WHEN i.attacker_fate <> 'unknown' THEN 'attacker ' || i.attacker_fate END)
        AS outcome,
    l.source
FROM incidents AS i
LEFT JOIN listed AS l USING (incident_id)
ORDER BY i.incident_date DESC NULLS LAST, i.state
