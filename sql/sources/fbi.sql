-- FBI active shooter incidents -> contract.
-- `Terminating Event` chains events at several locations with ";" and several
-- shooters with " & ". The event that ended the attack at the scene is the first
-- one (skipping a civilian's missed shot), so it decides who stopped the attack
-- and whether that was before police arrived.
CREATE OR REPLACE TEMP VIEW fbi_events AS
SELECT
    *,
    lower(trim(list_filter(
        string_split(split_part(terminating_event, ' & ', 1), ';'),
        lambda e: NOT lower(trim(e)) LIKE 'shot at by%'
    )[1])) AS first_event
FROM fbi;

CREATE OR REPLACE TEMP VIEW fbi_mapped AS
SELECT
    *,
    CASE
        WHEN first_event IS NULL OR first_event IN ('?', 'unclear') THEN 'unknown'
        WHEN first_event LIKE 'fled the scene%' THEN 'none'
        WHEN first_event LIKE '%suicide%' THEN 'self'
        WHEN first_event LIKE 'shooter completed goal%' THEN 'self'
        WHEN first_event LIKE '%off-duty%' THEN 'civilian'
        WHEN first_event LIKE '%security guard%' THEN 'security'
        WHEN first_event LIKE '%civilian%' OR first_event LIKE '%civilan%' THEN 'civilian'
        WHEN first_event LIKE '%police%' THEN 'police'
        ELSE 'unknown'
    END AS stopped_by
FROM fbi_events;

CREATE OR REPLACE TEMP VIEW source_records AS
SELECT
    'fbi' AS source,
    source_record_id,
    incident_name,
    incident_date,
    start_time,
    CASE WHEN start_time IS NOT NULL THEN 'minute' END AS start_time_precision,
    name_city AS city,  -- parsed from the incident name (see `derivations`)
    state,
    state_raw,
    name_county AS county,
    NULL::DOUBLE AS latitude,
    NULL::DOUBLE AS longitude,
    CASE lower(trim(location_raw))
        WHEN 'commerce' THEN 'commerce'
        WHEN 'education' THEN 'education'
        WHEN 'government' THEN 'government'
        WHEN 'health care' THEN 'health_care'
        WHEN 'house of worship' THEN 'house_of_worship'
        WHEN 'open space' THEN 'open_space'
        WHEN 'residence' THEN 'residence'
        WHEN 'other' THEN 'other'
        ELSE 'unknown'
    END AS location_type,
    location_raw AS location_type_raw,
    CASE WHEN location_type <> 'unknown' THEN 'stated' END AS location_type_basis,
    killed,
    deaths_raw AS killed_raw,
    injured,
    wounded_raw AS injured_raw,
    attackers,
    CASE
        WHEN first_event LIKE 'shot by police (killed)%'
          OR first_event LIKE 'killed by police%' THEN 'killed_by_police'
        WHEN first_event LIKE 'shot by %(killed)%' THEN 'killed_by_civilian'
        WHEN first_event LIKE 'attempted suicide%' THEN 'apprehended'
        WHEN first_event LIKE '%suicide%' THEN 'suicide'
        WHEN first_event LIKE 'surrendered%' THEN 'surrendered'
        WHEN first_event LIKE 'fled the scene%' THEN 'fled'
        WHEN stopped_by IN ('civilian', 'security') THEN 'subdued_by_civilian'
        WHEN stopped_by = 'police' THEN 'apprehended'
        WHEN lower(shooter_fate) = 'arrested' THEN 'apprehended'
        WHEN lower(shooter_fate) = 'suicide' THEN 'suicide'
        ELSE 'unknown'
    END AS attacker_outcome,
    terminating_event AS attacker_outcome_raw,
    stopped_by,
    CASE
        WHEN stopped_by = 'unknown' THEN NULL
        WHEN first_event LIKE '%before police arrived%' THEN TRUE
        WHEN first_event LIKE '%police%' THEN FALSE
        WHEN first_event LIKE 'attempted suicide%' THEN NULL
        ELSE TRUE  -- fled, civilian or security intervention, attacker stopped on own
    END AS ended_before_police,
    NULL::DOUBLE AS duration_min,
    list_filter([CASE WHEN multi_state THEN 'multi_state' END,
                 CASE WHEN duplicate_id THEN 'duplicate_id_in_source' END],
                lambda f: f IS NOT NULL) AS quality_flags,
    list_filter([CASE WHEN name_city IS NOT NULL THEN 'city: from the incident name' END,
                 CASE WHEN name_county IS NOT NULL THEN 'county: from the incident name' END],
                lambda d: d IS NOT NULL) AS derivations,
    source_file,
    source_row
FROM fbi_mapped;

CREATE OR REPLACE TEMP VIEW attackers AS
SELECT
    'fbi' AS source,
    source_record_id,
    attacker_no,
    age,
    CASE upper(gender_raw) WHEN 'MALE' THEN 'male' WHEN 'FEMALE' THEN 'female'
        WHEN '?' THEN NULL ELSE CASE WHEN gender_raw IS NOT NULL THEN 'other' END END AS sex,
    shooter_fate AS outcome_raw
FROM fbi_attackers;

CREATE OR REPLACE TEMP VIEW weapons AS
SELECT 'fbi' AS source, source_record_id, weapon_type, n AS count, weapon_raw
FROM (
    SELECT source_record_id, 'handgun' AS weapon_type, handguns AS n, 'Handgun' AS weapon_raw
    FROM fbi WHERE handguns > 0
    UNION ALL
    SELECT source_record_id, 'rifle', rifles, 'Rifle' FROM fbi WHERE rifles > 0
    UNION ALL
    SELECT source_record_id, 'shotgun', shotguns, 'Shotgun' FROM fbi WHERE shotguns > 0
    UNION ALL
    SELECT source_record_id, 'unknown', NULL, '?' FROM fbi
    WHERE handguns IS NULL AND rifles IS NULL AND shotguns IS NULL
);
