-- The Violence Project (user-supplied) -> contract.
-- On-Scene Outcome: 0 killed self, 1 killed on scene, 2 apprehended,
-- 3 apprehended then suicide before trial, 4 fled.
-- Who Killed Shooter On Scene: 0 alive, 1 self, 2 police, 3 school resource
-- officer (a sworn officer, so 'police' as for the K-12 SSDB), 4 armed civilian.
-- end_method / stopped_by: killed self -> suicide by self; killed on scene by police
-- or an SRO -> shot by police, by an armed civilian -> shot by a civilian (by someone
-- unnamed: how and who unknown); apprehended (2, 3) -> apprehended, who unknown;
-- fled -> fled, stopped by none. attacker_fate (stated): killed self or on scene ->
-- died; "Who Killed Shooter On Scene" 0 (alive) -> survived; apprehended without
-- that code -> survived, derived (alive when caught).
-- The codes do not say whether police had arrived, so ended_before_police is NULL.
CREATE OR REPLACE TEMP VIEW source_records AS
SELECT
    'violence_project' AS source,
    source_record_id,
    NULL AS incident_name,
    incident_date,
    start_time,
    CASE WHEN start_time IS NOT NULL THEN 'minute' END AS start_time_precision,
    nullif(trim(city), '') AS city,
    state,
    state_raw,
    NULL AS county,
    NULL::DOUBLE AS latitude,
    NULL::DOUBLE AS longitude,
    'unknown' AS location_type,
    NULL AS location_type_raw,
    killed,
    killed_raw,
    injured,
    injured_raw,
    NULL::INTEGER AS attackers,
    CASE
        WHEN outcome_code = 0 OR killer_code = 1 THEN 'suicide'
        WHEN outcome_code = 1 AND killer_code IN (2, 3, 4) THEN 'shot'
        WHEN outcome_code IN (2, 3) THEN 'apprehended'
        WHEN outcome_code = 4 THEN 'fled'
        ELSE 'unknown'
    END AS end_method,
    concat_ws('; ', 'On-Scene Outcome ' || outcome_raw,
              'Who Killed Shooter On Scene ' || killer_raw) AS attacker_outcome_raw,
    CASE
        WHEN outcome_code = 0 OR killer_code = 1 THEN 'self'
        WHEN outcome_code = 1 AND killer_code IN (2, 3) THEN 'police'
        WHEN outcome_code = 1 AND killer_code = 4 THEN 'civilian'
        WHEN outcome_code = 4 THEN 'none'
        ELSE 'unknown'
    END AS stopped_by,
    CASE
        WHEN outcome_code IN (0, 1) OR killer_code IN (1, 2, 3, 4) THEN 'died'
        WHEN killer_code = 0 OR outcome_code IN (2, 3) THEN 'survived'
        ELSE 'unknown'
    END AS attacker_fate,
    CASE
        WHEN outcome_code IN (0, 1) OR killer_code IN (0, 1, 2, 3, 4) THEN 'stated'
        WHEN outcome_code IN (2, 3) THEN 'derived'
    END AS attacker_fate_basis,
    CASE WHEN outcome_code IN (2, 3) AND NOT (killer_code IS NOT NULL
                                             AND killer_code IN (0, 1, 2, 3, 4))
         THEN ['attacker_fate: survived, implied by On-Scene Outcome ' || outcome_raw
               || ' (apprehended)']
         ELSE []::VARCHAR[] END AS derivations,
    NULL::BOOLEAN AS ended_before_police,
    duration_min,
    CASE WHEN duplicate_id THEN ['duplicate_id_in_source'] ELSE []::VARCHAR[] END
        AS quality_flags,
    source_file,
    source_row
FROM violence_project;
