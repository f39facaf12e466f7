-- The incidents page when the warehouse links records into incidents: one row
-- per incident from `incidents` (contract column names), with the sources that
-- list it from incident_links. Place is the city, else the incident's name.
-- active_shooter: the FBI lists it as an active shooter incident or ALERRT as an active
-- attack (the table opens on these).
-- search_names, search_places and search_words feed the page's search, not the
-- CSV: every linked record's incident name, its city and county (one a line),
-- and the distinct words (3+ letters, common words left out) of every linked
-- record's narrative, lower-cased with punctuation turned into spaces.
WITH listed AS (
    SELECT incident_id, string_agg(DISTINCT source, ' + ' ORDER BY source) AS source
    FROM incident_links
    GROUP BY incident_id
),
linked AS (
    SELECT l.incident_id, r.incident_name, r.city, r.county, r.narrative
    FROM incident_links AS l
    JOIN source_records AS r USING (source, source_record_id)
),
names AS (
    SELECT incident_id,
           string_agg(DISTINCT n, chr(10) ORDER BY n) FILTER (WHERE kind = 'name')
               AS search_names,
           string_agg(DISTINCT n, chr(10) ORDER BY n) FILTER (WHERE kind = 'place')
               AS search_places
    FROM (SELECT incident_id, 'name' AS kind,
                 trim(regexp_replace(incident_name, '\s+', ' ', 'g')) AS n FROM linked
          UNION ALL
          SELECT incident_id, 'place', unnest([city, county]) FROM linked)
    WHERE n IS NOT NULL AND n <> ''
    GROUP BY incident_id
),
stop_words(word) AS (
    VALUES ('the'), ('and'), ('was'), ('were'), ('with'), ('for'), ('from'), ('that'),
           ('his'), ('her'), ('had'), ('has'), ('have'), ('who'), ('after'), ('into'),
           ('this'), ('are'), ('but'), ('not'), ('they'), ('their'), ('them'), ('she'),
           ('him'), ('its'), ('been'), ('then'), ('when'), ('which'), ('where'), ('while')
),
words AS (
    SELECT incident_id, string_agg(DISTINCT word, ' ' ORDER BY word) AS search_words
    FROM (SELECT incident_id,
                 unnest(string_split(regexp_replace(lower(narrative), '[^a-z0-9]+', ' ', 'g'),
                                     ' ')) AS word
          FROM linked WHERE narrative IS NOT NULL)
    WHERE length(word) >= 3 AND word NOT IN (SELECT word FROM stop_words)
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
    l.source,
    i.incident_id,
    coalesce(i.fbi_active_shooter OR i.alerrt_active_attack, FALSE) AS active_shooter,
    n.search_names,
    n.search_places,
    w.search_words
FROM incidents AS i
LEFT JOIN listed AS l USING (incident_id)
LEFT JOIN names AS n USING (incident_id)
LEFT JOIN words AS w USING (incident_id)
ORDER BY i.incident_date DESC NULLS LAST, i.state, i.incident_id
