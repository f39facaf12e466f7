-- The incidents page: one row per source record, trimmed to what the table
-- shows. Place is the city, else the county, else the source's incident name.
-- Outcome reads how, who and the attacker's fate ("shot by police; attacker died"),
-- each left out when unknown. search_names, search_places and search_words feed
-- the page's search, not the CSV: the record's incident name, its county, and the distinct
-- words (3+ letters, common words left out) of its narrative, lower-cased with
-- punctuation turned into spaces. Records are not linked: no incident_id.
-- active_shooter: the record is an FBI active shooter incident or an ALERRT active attack
-- (record_definitions; the table opens on these).
WITH stop_words(word) AS (
    VALUES ('the'), ('and'), ('was'), ('were'), ('with'), ('for'), ('from'), ('that'),
           ('his'), ('her'), ('had'), ('has'), ('have'), ('who'), ('after'), ('into'),
           ('this'), ('are'), ('but'), ('not'), ('they'), ('their'), ('them'), ('she'),
           ('him'), ('its'), ('been'), ('then'), ('when'), ('which'), ('where'), ('while')
),
words AS (
    SELECT source, source_record_id, string_agg(DISTINCT word, ' ' ORDER BY word) AS search_words
    FROM (SELECT source, source_record_id,
                 unnest(string_split(regexp_replace(lower(narrative), '[^a-z0-9]+', ' ', 'g'),
                                     ' ')) AS word
          FROM source_records WHERE narrative IS NOT NULL)
    WHERE length(word) >= 3 AND word NOT IN (SELECT word FROM stop_words)
    GROUP BY source, source_record_id
)
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
    source,
    NULL::VARCHAR AS incident_id,
    coalesce(d.fbi_active_shooter OR d.alerrt_active_attack, FALSE) AS active_shooter,
    trim(regexp_replace(incident_name, '\s+', ' ', 'g')) AS search_names,
    county AS search_places,
    w.search_words
FROM source_records
LEFT JOIN words AS w USING (source, source_record_id)
LEFT JOIN record_definitions AS d USING (source, source_record_id)
ORDER BY incident_date DESC NULLS LAST, source, state, source_record_id
