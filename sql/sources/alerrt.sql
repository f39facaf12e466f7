-- ALERRT active attacks -> contract.
-- `resolution` says how the attack ended and who ended it, mapped by
-- alerrt_resolutions (a data table). "Shot by police / citizen / security / off duty
-- officer" says who shot the attacker, not whether he died: end_method shot, the
-- right stopped_by, attacker_fate unknown (ALERRT has no other fate column; the
-- warehouse may infer it from a linked record). Suicide states the death. Subdued
-- and Surrendered imply the attacker was alive when caught: fate survived, basis
-- derived (noted in `derivations`). Surrendered is to police when police had
-- arrived (resolved_pre_le No), else on the attacker's own (self).
-- `resolved_pre_le` (Yes/No) is ALERRT's own coding of "ended before police arrived".
CREATE OR REPLACE TEMP TABLE alerrt_resolutions AS
SELECT * FROM (VALUES
    ('Fled', 'fled', 'none', 'unknown', NULL),
    ('Shot by police', 'shot', 'police', 'unknown', NULL),
    ('Shot by citizen', 'shot', 'civilian', 'unknown', NULL),
    ('Shot by security', 'shot', 'security', 'unknown', NULL),
    ('Shot by off duty officer', 'shot', 'off_duty_police', 'unknown', NULL),
    ('Subdued by police', 'subdued', 'police', 'survived', 'derived'),
    ('Subdued by citizens', 'subdued', 'civilian', 'survived', 'derived'),
    ('Suicide before police arrival', 'suicide', 'self', 'died', 'stated'),
    ('Suicide after police arrival', 'suicide', 'self', 'died', 'stated'),
    ('Surrendered', 'surrendered', NULL, 'survived', 'derived')
) AS t(resolution, end_method, stopped_by, attacker_fate, attacker_fate_basis);

CREATE OR REPLACE TEMP VIEW source_records AS
SELECT
    'alerrt' AS source,
    source_record_id,
    NULL AS incident_name,
    incident_date,
    make_time(start_hour, 0, 0) AS start_time,
    CASE WHEN start_hour IS NOT NULL THEN 'hour' END AS start_time_precision,
    trim(city) AS city,
    state_code AS state,
    state AS state_raw,
    NULL AS county,
    NULL::DOUBLE AS latitude,
    NULL::DOUBLE AS longitude,
    CASE location_primary
        WHEN 'Retail' THEN 'commerce'
        WHEN 'Office' THEN 'commerce'
        WHEN 'Factory/warehouse' THEN 'commerce'
        WHEN 'School' THEN 'education'
        WHEN 'Outdoors' THEN 'open_space'
        WHEN 'Other' THEN 'other'
        ELSE 'unknown'
    END AS location_type,
    location_primary AS location_type_raw,
    CASE WHEN location_type <> 'unknown' THEN 'stated' END AS location_type_basis,
    kill_tot_n AS killed,
    kill_tot AS killed_raw,
    wound_tot_n AS injured,
    wound_tot AS injured_raw,
    kill_le_tot_n AS officers_killed,
    wound_le_tot_n AS officers_injured,
    kill_guard_tot_n AS guards_killed,
    wound_guard_tot_n AS guards_injured,
    offender_count_n AS attackers,
    coalesce(m.end_method, 'unknown') AS end_method,
    resolution AS attacker_outcome_raw,
    CASE
        WHEN m.stopped_by IS NOT NULL THEN m.stopped_by
        WHEN resolution = 'Surrendered' AND resolved_pre_le = 'No' THEN 'police'
        WHEN resolution = 'Surrendered' THEN 'self'
        ELSE 'unknown'
    END AS stopped_by,
    coalesce(m.attacker_fate, 'unknown') AS attacker_fate,
    m.attacker_fate_basis,
    CASE WHEN m.attacker_fate_basis = 'derived'
         THEN [format('attacker_fate: {}, implied by resolution "{}"', m.attacker_fate,
                      resolution)]
         ELSE []::VARCHAR[] END AS derivations,
    CASE resolved_pre_le WHEN 'Yes' THEN TRUE WHEN 'No' THEN FALSE END
        AS ended_before_police,
    NULL::DOUBLE AS duration_min,
    CASE WHEN duplicate_id THEN ['duplicate_id_in_source'] ELSE []::VARCHAR[] END
        AS quality_flags,
    -- mobile: the attacker moved between sites (Yes/No)
    published(mobile) AS mobile_raw,
    vocab_flag('yes_no', 'alerrt', mobile_raw) AS mobile,
    published(school_level) AS school_level_raw,
    vocab('school_level', 'alerrt', school_level_raw) AS school_level,
    source_file,
    source_row
FROM alerrt
LEFT JOIN alerrt_resolutions AS m USING (resolution);

CREATE OR REPLACE TEMP VIEW attackers AS
SELECT 'alerrt' AS source, a.source_record_id, attacker_no, age, sex, NULL AS outcome_raw,
       -- race_1..3 per attacker; relationship (to the site or victims) per record
       published(CASE attacker_no WHEN 1 THEN r.race_1 WHEN 2 THEN r.race_2
                                  ELSE r.race_3 END) AS race_raw,
       vocab('race', 'alerrt', race_raw) AS race,
       published(r.relationship) AS relationship_raw,
       vocab('relationship', 'alerrt', relationship_raw) AS relationship
FROM (
    SELECT source_record_id, 1 AS attacker_no, age_1_n AS age, sex_1 AS sex_raw FROM alerrt
    UNION ALL
    SELECT source_record_id, 2, age_2_n, sex_2 FROM alerrt WHERE offender_count_n >= 2
    UNION ALL
    SELECT source_record_id, 3, age_3_n, sex_3 FROM alerrt WHERE offender_count_n >= 3
) AS a, LATERAL (SELECT CASE lower(trim(sex_raw)) WHEN 'male' THEN 'male'
                    WHEN 'female' THEN 'female' END AS sex),
(SELECT source_record_id, race_1, race_2, race_3, relationship FROM alerrt) AS r
WHERE r.source_record_id = a.source_record_id;

CREATE OR REPLACE TEMP VIEW weapons AS
SELECT 'alerrt' AS source, source_record_id, weapon_type, n AS count, weapon_raw
FROM (
    SELECT source_record_id, 'handgun' AS weapon_type, weapon_pistol_tot_n AS n,
           'weapon_pistol_tot' AS weapon_raw
    FROM alerrt WHERE weapon_pistol_tot_n > 0
    UNION ALL
    SELECT source_record_id, 'rifle', weapon_rifle_tot_n, 'weapon_rifle_tot'
    FROM alerrt WHERE weapon_rifle_tot_n > 0
    UNION ALL
    SELECT source_record_id, 'shotgun', weapon_shotgun_tot_n, 'weapon_shotgun_tot'
    FROM alerrt WHERE weapon_shotgun_tot_n > 0
    UNION ALL
    SELECT source_record_id,
           -- the primary weapon where no per-type count is given (4 records name a
           -- Pistol or Rifle there with every count 0: the type is still stated)
           CASE weapon_primary WHEN 'Knife' THEN 'knife' WHEN 'Vehicle' THEN 'vehicle'
                WHEN 'Pistol' THEN 'handgun' WHEN 'Rifle' THEN 'rifle'
                WHEN 'Shotgun' THEN 'shotgun' ELSE 'unknown' END,
           NULL, coalesce(weapon_primary, 'weapon_primary blank')
    FROM alerrt
    WHERE coalesce(weapon_pistol_tot_n, 0) + coalesce(weapon_rifle_tot_n, 0)
          + coalesce(weapon_shotgun_tot_n, 0) = 0
);
