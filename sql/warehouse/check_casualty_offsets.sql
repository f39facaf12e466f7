-- Warning check `casualty_offsets`: a systematic offset between two sources, e.g. one
-- source one killed higher than another whenever the attacker died (it counts the
-- attacker among the dead). Per pair of sources and field (killed, injured), over the
-- linked record pairs where both know the figure: how often each side is exactly one
-- higher. An offset is reported when one direction happens in at least 10 pairs, at
-- least three times as often as the other direction, and in at least 10% of the
-- compared pairs. Each offset names its record pairs and how many of them have an
-- attacker who died (attacker_fate on either record).
WITH rec AS (
    SELECT l.incident_id, r.source, r.source_record_id, r.attacker_fate, f.field,
           CASE f.field WHEN 'killed' THEN r.killed ELSE r.injured END AS value
    FROM incident_links AS l
    JOIN source_records AS r USING (source, source_record_id)
    CROSS JOIN (VALUES ('killed'), ('injured')) AS f(field)
),
pairs AS (
    SELECT a.field, a.source AS source_a, b.source AS source_b,
           a.source || ':' || a.source_record_id AS record_a,
           b.source || ':' || b.source_record_id AS record_b,
           a.value - b.value AS diff,
           'died' IN (a.attacker_fate, b.attacker_fate) AS attacker_died
    FROM rec AS a
    JOIN rec AS b ON a.incident_id = b.incident_id AND a.field = b.field
                 AND a.source < b.source
    WHERE a.value IS NOT NULL AND b.value IS NOT NULL
),
tally AS (
    SELECT field, source_a, source_b, count(*) AS compared,
           count(*) FILTER (diff = 1) AS a_higher, count(*) FILTER (diff = -1) AS b_higher
    FROM pairs
    GROUP BY field, source_a, source_b
),
offsets AS (
    SELECT field, source_a, source_b, compared,
           CASE WHEN a_higher >= b_higher THEN source_a ELSE source_b END AS higher,
           CASE WHEN a_higher >= b_higher THEN source_b ELSE source_a END AS lower,
           greatest(a_higher, b_higher) AS offset_pairs,
           least(a_higher, b_higher) AS opposite_pairs,
           CASE WHEN a_higher >= b_higher THEN 1 ELSE -1 END AS sign
    FROM tally
    WHERE greatest(a_higher, b_higher) >= 10
      AND greatest(a_higher, b_higher) >= 3 * least(a_higher, b_higher)
      AND greatest(a_higher, b_higher) >= 0.1 * compared
)
SELECT o.field, o.higher, o.lower, o.compared, o.offset_pairs, o.opposite_pairs,
       count(*) FILTER (p.attacker_died) AS attacker_died,
       list(CASE WHEN o.sign = 1 THEN p.record_a || ' > ' || p.record_b
                 ELSE p.record_b || ' > ' || p.record_a END
            ORDER BY p.record_a, p.record_b) AS records
FROM offsets AS o
JOIN pairs AS p USING (field, source_a, source_b)
WHERE p.diff = o.sign
GROUP BY ALL
ORDER BY o.offset_pairs DESC, o.field, o.higher, o.lower
