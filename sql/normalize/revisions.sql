-- What changed between a source's previous tables and its new ones: records
-- added and removed, and for records in both, each field whose value changed.
-- Reads `_old` and `_new` (source_records of the two snapshots) and `_meta`.
WITH old_long AS (
    SELECT source_record_id, field, value FROM (
        SELECT source_record_id, COLUMNS(* EXCLUDE (source_record_id))::VARCHAR
        FROM (SELECT source_record_id, incident_name, incident_date, start_time, city, state,
                     county, latitude, longitude, location_type, killed, injured, attackers,
                     end_method, attacker_fate, stopped_by, ended_before_police,
                     duration_min
              FROM _old)
    ) UNPIVOT INCLUDE NULLS (value FOR field IN (COLUMNS(* EXCLUDE (source_record_id))))
),
new_long AS (
    SELECT source_record_id, field, value FROM (
        SELECT source_record_id, COLUMNS(* EXCLUDE (source_record_id))::VARCHAR
        FROM (SELECT source_record_id, incident_name, incident_date, start_time, city, state,
                     county, latitude, longitude, location_type, killed, injured, attackers,
                     end_method, attacker_fate, stopped_by, ended_before_police,
                     duration_min
              FROM _new)
    ) UNPIVOT INCLUDE NULLS (value FOR field IN (COLUMNS(* EXCLUDE (source_record_id))))
),
changes AS (
    SELECT 'added' AS change, source_record_id, NULL AS field, NULL AS old_value,
           NULL AS new_value
    FROM _new ANTI JOIN _old USING (source_record_id)
    UNION ALL
    SELECT 'removed', source_record_id, NULL, NULL, NULL
    FROM _old ANTI JOIN _new USING (source_record_id)
    UNION ALL
    SELECT 'changed', o.source_record_id, o.field, o.value, n.value
    FROM old_long AS o JOIN new_long AS n USING (source_record_id, field)
    WHERE o.value IS DISTINCT FROM n.value
)
SELECT m.source, m.revised_at, m.old_sha256, m.new_sha256, c.*
FROM changes AS c CROSS JOIN _meta AS m
ORDER BY c.change, c.source_record_id, c.field
