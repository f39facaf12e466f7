-- Which common definitions each record meets, so a researcher can compare
-- sources on one footing ("4+ killed in any source", "school shootings").
-- Three-valued: NULL when the record does not say enough to decide.
INSERT INTO record_definitions
WITH firearms AS (
    SELECT source, source_record_id,
           bool_or(weapon_type IN ('handgun', 'rifle', 'shotgun', 'other_firearm')) AS any_gun,
           bool_and(weapon_type = 'unknown') AS all_unknown
    FROM weapons
    GROUP BY ALL
)
SELECT
    r.source,
    r.source_record_id,
    r.killed >= 4 AS killed_4_plus,
    (r.killed + r.injured >= 4) AND firearm AS shot_4_plus,
    CASE r.location_type WHEN 'education' THEN TRUE WHEN 'unknown' THEN NULL
         ELSE FALSE END AS school,
    firearm,
    r.source = 'fbi' AS fbi_active_shooter,
    r.source = 'alerrt' AS alerrt_active_attack
FROM source_records AS r
JOIN sources AS s USING (source)
LEFT JOIN firearms AS f USING (source, source_record_id),
LATERAL (
    SELECT CASE
        WHEN list_contains(s.tags, 'firearm') OR f.any_gun THEN TRUE
        WHEN f.any_gun = FALSE AND NOT f.all_unknown THEN FALSE
    END AS firearm
)
ORDER BY r.source, r.source_record_id  -- the same row order in every build
