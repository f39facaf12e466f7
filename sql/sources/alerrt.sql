-- ALERRT active attacks -> contract.
-- `resolution` says who ended the attack; "Shot by ..." does not say whether the
-- attacker died, so those map to attacker_outcome 'unknown' (raw value kept).
-- `resolved_pre_le` (Yes/No) is ALERRT's own coding of "ended before police arrived".
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
    offender_count_n AS attackers,
    CASE resolution
        WHEN 'Fled' THEN 'fled'
        WHEN 'Suicide before police arrival' THEN 'suicide'
        WHEN 'Suicide after police arrival' THEN 'suicide'
        WHEN 'Subdued by police' THEN 'apprehended'
        WHEN 'Subdued by citizens' THEN 'subdued_by_civilian'
        WHEN 'Surrendered' THEN 'surrendered'
        ELSE 'unknown'
    END AS attacker_outcome,
    resolution AS attacker_outcome_raw,
    CASE
        WHEN resolution = 'Fled' THEN 'none'
        WHEN resolution LIKE 'Suicide%' THEN 'self'
        WHEN resolution IN ('Shot by police', 'Subdued by police') THEN 'police'
        WHEN resolution IN ('Subdued by citizens', 'Shot by citizen',
                            'Shot by off duty officer') THEN 'civilian'
        WHEN resolution = 'Shot by security' THEN 'security'
        WHEN resolution = 'Surrendered' AND resolved_pre_le = 'No' THEN 'police'
        WHEN resolution = 'Surrendered' THEN 'self'
        ELSE 'unknown'
    END AS stopped_by,
    CASE resolved_pre_le WHEN 'Yes' THEN TRUE WHEN 'No' THEN FALSE END
        AS ended_before_police,
    NULL::DOUBLE AS duration_min,
    CASE WHEN duplicate_id THEN ['duplicate_id_in_source'] ELSE []::VARCHAR[] END
        AS quality_flags,
    source_file,
    source_row
FROM alerrt;

CREATE OR REPLACE TEMP VIEW attackers AS
SELECT 'alerrt' AS source, source_record_id, attacker_no, age, sex, NULL AS outcome_raw
FROM (
    SELECT source_record_id, 1 AS attacker_no, age_1_n AS age, sex_1 AS sex_raw FROM alerrt
    UNION ALL
    SELECT source_record_id, 2, age_2_n, sex_2 FROM alerrt WHERE offender_count_n >= 2
    UNION ALL
    SELECT source_record_id, 3, age_3_n, sex_3 FROM alerrt WHERE offender_count_n >= 3
), LATERAL (SELECT CASE lower(trim(sex_raw)) WHEN 'male' THEN 'male'
                    WHEN 'female' THEN 'female' END AS sex);

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
           CASE weapon_primary WHEN 'Knife' THEN 'knife' WHEN 'Vehicle' THEN 'vehicle'
                ELSE 'unknown' END,
           NULL, coalesce(weapon_primary, 'weapon_primary blank')
    FROM alerrt
    WHERE coalesce(weapon_pistol_tot_n, 0) + coalesce(weapon_rifle_tot_n, 0)
          + coalesce(weapon_shotgun_tot_n, 0) = 0
);
