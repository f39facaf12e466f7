-- The incident page: every linked record of every incident, as its source
-- gives it (harmonized values beside the raw ones), with its narrative and the
-- links a reader can follow. record_url is the record's own page at the
-- publisher, where the source's ids are the publisher's (GVA incident pages);
-- NULL elsewhere. One row per record; the page groups them by incident.
WITH record_pages(source, url_prefix) AS (
    VALUES ('gva', 'https://www.gunviolencearchive.org/incident/'),
           ('gva_trace', 'https://www.gunviolencearchive.org/incident/')
)
SELECT
    l.incident_id,
    r.source,
    r.source_record_id,
    r.incident_name,
    strftime(r.incident_date, '%Y-%m-%d') AS incident_date,
    substr(CAST(r.start_time AS VARCHAR), 1, 5) AS start_time,
    r.city,
    r.county,
    r.state,
    r.location_type,
    r.location_type_raw,
    r.killed,
    r.killed_raw,
    r.injured,
    r.injured_raw,
    r.end_method,
    r.stopped_by,
    r.attacker_fate,
    r.attacker_fate_basis,
    r.attacker_fate_from,
    r.attacker_outcome_raw,
    r.ended_before_police,
    r.duration_min,
    r.officers_killed,
    r.officers_injured,
    r.attackers,
    r.derivations,
    r.quality_flags,
    r.narrative,
    r.narrative_field,
    r.source_file,
    r.source_row,
    r.source_url,
    CASE WHEN regexp_matches(r.source_record_id, '^[0-9]+$')
         THEN p.url_prefix || r.source_record_id END AS record_url,
    l.source_duplicate
FROM incident_links AS l
JOIN source_records AS r USING (source, source_record_id)
LEFT JOIN record_pages AS p ON p.source = r.source
ORDER BY l.incident_id, r.source, r.source_record_id
