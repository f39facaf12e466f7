-- Washington Post school shootings -> contract.
-- Quirks handled in parse (Polars): CRLF, "1,965" numbers (read as text), times
-- "11:19 AM" / "2:30PM" / bare "15:18" (24-hour clock; bare hours 0-6 such as
-- "4:00" are ambiguous and rejected), M/D/YYYY dates, full state names with
-- trailing spaces, `uid` as the record id (unique in this snapshot).
-- Mapping choices:
-- * location_type is 'education' for every record: the source only lists gunfire
--   on K-12 school grounds; it has no place-type column, so location_type_raw is NULL.
-- * killed / injured are the source's own counts, which exclude the shooter.
-- * How it ended comes from deceased_notes1/2 ("how the shooter died"), when every
--   described shooter has the same note: suicide -> end_method suicide, stopped_by
--   self; "police shooting" / "killed by police" -> shot by police. Both state the
--   death: attacker_fate died (stated). shooter_deceased = 1 states a death without
--   saying how (fate died, end_method and stopped_by unknown) when every described
--   shooter has it; shooter_deceased = 0 means "did not die OR unknown", so it never
--   proves survival or an arrest: fate unknown. A note counts only beside
--   shooter_deceased = 1: uid 419 (Mount Horeb, 2024) has shooter_relationship1
--   'police', shooter_deceased1 blank and the note "police shooting": WaPo's shooter
--   there is the officer, and the note is about the person he killed (killed 1).
-- * ended_before_police is NULL: the source never says when police arrived.
-- * attackers: 2 when any shooter-2 column is filled, 1 when any shooter-1 column
--   is, else NULL. uid 399 and 410 are one shooting entered twice (Mobile, AL,
--   2024-01-30); no contract flag fits a repeat under different ids, so both are
--   kept unflagged and the fact is documented in the source's notes.
CREATE OR REPLACE TEMP VIEW wapo_mapped AS
SELECT
    *,
    CASE
        WHEN shooter_deceased1_clean IS DISTINCT FROM '1'
          OR (present2 AND shooter_deceased2_clean IS DISTINCT FROM '1') THEN 'unknown'
        WHEN deceased_notes1_clean = 'suicide'
         AND (NOT present2 OR deceased_notes2_clean = 'suicide') THEN 'suicide'
        WHEN deceased_notes1_clean IN ('police shooting', 'killed by police')
         AND (NOT present2
              OR deceased_notes2_clean IN ('police shooting', 'killed by police'))
            THEN 'killed_by_police'
        ELSE 'unknown'
    END AS outcome,
    CASE
        WHEN shooter_deceased1_clean = '1'
         AND (NOT present2 OR shooter_deceased2_clean = '1') THEN 'died'
        ELSE 'unknown'
    END AS fate
FROM wapo;

CREATE OR REPLACE TEMP VIEW source_records AS
SELECT
    'wapo' AS source,
    source_record_id,
    incident_name,
    incident_date,
    start_time,
    CASE WHEN start_time IS NOT NULL THEN 'minute' END AS start_time_precision,
    city_clean AS city,
    state_code AS state,
    state AS state_raw,
    county_clean AS county,
    latitude,
    longitude,
    'education' AS location_type,
    NULL AS location_type_raw,
    'stated' AS location_type_basis,  -- by the list's definition (K-12 schools)
    killed_n AS killed,
    killed AS killed_raw,
    injured_n AS injured,
    injured AS injured_raw,
    attackers,
    CASE outcome WHEN 'suicide' THEN 'suicide' WHEN 'killed_by_police' THEN 'shot'
        ELSE 'unknown' END AS end_method,
    nullif(concat_ws('; ',
        'shooter_deceased1=' || shooter_deceased1_clean,
        'deceased_notes1=' || deceased_notes1_clean,
        'shooter_deceased2=' || shooter_deceased2_clean,
        'deceased_notes2=' || deceased_notes2_clean), '') AS attacker_outcome_raw,
    CASE outcome
        WHEN 'suicide' THEN 'self'
        WHEN 'killed_by_police' THEN 'police'
        ELSE 'unknown'
    END AS stopped_by,
    fate AS attacker_fate,
    CASE WHEN fate <> 'unknown' THEN 'stated' END AS attacker_fate_basis,
    NULL::BOOLEAN AS ended_before_police,
    NULL::DOUBLE AS duration_min,
    CASE WHEN duplicate_id THEN ['duplicate_id_in_source'] ELSE []::VARCHAR[] END
        AS quality_flags,
    published(shooting_type) AS targeting_raw,
    vocab('targeting', 'wapo', targeting_raw) AS targeting,
    published(resource_officer) AS armed_security_present_raw,
    vocab_flag('yes_no', 'wapo', armed_security_present_raw) AS armed_security_present,
    -- public / private as written (a new value fails the contract's vocabulary check)
    lower(published(trim(school_type))) AS school_type,
    published(nces_school_id) AS school_nces_id,
    enrollment_n AS school_enrollment,
    lunch_n AS school_free_lunch,
    published(ulocale) AS school_locale_raw,
    vocab('locale', 'wapo', school_locale_raw) AS school_locale,
    source_file,
    source_row
FROM wapo_mapped;

CREATE OR REPLACE TEMP VIEW attackers AS
SELECT
    'wapo' AS source,
    source_record_id,
    attacker_no,
    age,
    CASE gender_code WHEN 'm' THEN 'male' WHEN 'f' THEN 'female' END AS sex,
    nullif(concat_ws('; ', 'shooter_deceased=' || shooter_deceased,
                     'deceased_notes=' || deceased_notes), '') AS outcome_raw,
    -- race_ethnicity_shooterN and shooter_relationshipN (to the school) of attacker N
    published(CASE attacker_no WHEN 1 THEN w.race_ethnicity_shooter1
                               ELSE w.race_ethnicity_shooter2 END) AS race_raw,
    vocab('race', 'wapo', race_raw) AS race,
    published(CASE attacker_no WHEN 1 THEN w.shooter_relationship1
                               ELSE w.shooter_relationship2 END) AS relationship_raw,
    vocab('relationship', 'wapo', relationship_raw) AS relationship
FROM wapo_attackers
LEFT JOIN (SELECT source_record_id, race_ethnicity_shooter1, race_ethnicity_shooter2,
                  shooter_relationship1, shooter_relationship2 FROM wapo) AS w
    USING (source_record_id);

-- Free-text `weapon` split into items and typed by keyword in parse
-- (handgun/pistol/revolver -> handgun, rifle/carbine/AK-47/AR-15 -> rifle, shotgun,
-- knife; anything else 'unknown'); no row where `weapon` is blank.
CREATE OR REPLACE TEMP VIEW weapons AS
-- weapon_source (one per record, "Where shooter acquired weapon(s)") goes on every
-- weapon row of the record; 4 records give a source but no weapon and keep it nowhere.
SELECT 'wapo' AS source, source_record_id, weapon_type, count, weapon_raw,
       published(w.weapon_source) AS obtained_raw,
       vocab('weapon_source', 'wapo', obtained_raw) AS obtained
FROM wapo_weapons
LEFT JOIN (SELECT source_record_id, weapon_source FROM wapo) AS w USING (source_record_id);
