-- Warning check `casualty_outliers`: records whose killed or injured figure disagrees
-- by a wide margin with every other linked record of the incident, from at least two
-- other lists (gva_trace republishes GVA, so the two count as one list and never as
-- each other's witness). Wide: at least 2 apart and at least half the larger figure
-- (0 vs 2, 2 vs 4, 5 vs 10; not 10 vs 12). Such a record is more likely a typo, a
-- partial count (e.g. a school list counting only the school) or a mislink than a
-- real disagreement, and is worth a look.
WITH rec AS (
    SELECT l.incident_id, r.source, r.source_record_id, f.field,
           CASE f.field WHEN 'killed' THEN r.killed ELSE r.injured END AS value,
           CASE r.source WHEN 'gva_trace' THEN 'gva' ELSE r.source END AS family
    FROM incident_links AS l
    JOIN source_records AS r USING (source, source_record_id)
    CROSS JOIN (VALUES ('killed'), ('injured')) AS f(field)
),
-- The far records are found first; only those few get their `others` listed.
far AS (
    SELECT a.source, a.source_record_id, a.field, a.value, a.incident_id, a.family,
           count(DISTINCT b.family) AS other_lists
    FROM rec AS a
    JOIN rec AS b ON a.incident_id = b.incident_id AND a.field = b.field
                 AND a.family <> b.family
    WHERE a.value IS NOT NULL AND b.value IS NOT NULL
    GROUP BY ALL
    HAVING count(DISTINCT b.family) >= 2
       AND bool_and(abs(a.value - b.value) >= 2
                    AND abs(a.value - b.value) >= 0.5 * greatest(a.value, b.value))
)
SELECT a.source, a.source_record_id, a.field, a.value, a.incident_id, a.other_lists,
       string_agg(b.source || ':' || b.source_record_id || ' = ' || b.value, '; '
                  ORDER BY b.source, b.source_record_id) AS others
FROM far AS a
JOIN rec AS b ON a.incident_id = b.incident_id AND a.field = b.field
             AND a.family <> b.family
WHERE b.value IS NOT NULL
GROUP BY a.source, a.source_record_id, a.field, a.value, a.incident_id, a.other_lists
ORDER BY a.field, a.source, a.source_record_id
